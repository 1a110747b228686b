package nn

import (
	"errors"
	"fmt"

	"gorgonia.org/tensor"
)

// The shape rules of Exec's primitives, written once for every executor
// (Eager, Graph where its rules are the same, the CUDA executor of
// internal/cuda). Each function but InputData is pure: it reads shapes
// only, never data. Where a function returns a shape together with an
// error, the shape is still the best guess of the result (the shape an
// executor gives the placeholder it returns after the error); the error
// names the shapes and arguments at fault, without the operation's name,
// which the executor adds.

// InputData checks an input tensor of Param or Const, of any shape, and
// returns its float32 elements in row-major order (len t.Shape().TotalSize())
// and the tensor they belong to: t itself when it is contiguous, or a
// contiguous copy of a view. t must be a non-nil, float32, row-major tensor
// holding at least its shape's number of elements.
func InputData(t *tensor.Dense) ([]float32, *tensor.Dense, error) {
	if t == nil {
		return nil, nil, errors.New("nil tensor")
	}
	shape := t.Shape()
	if t.Dtype() != tensor.Float32 {
		return nil, nil, fmt.Errorf("tensor of shape %v has dtype %v, want float32", shape, t.Dtype())
	}
	if t.DataOrder().IsColMajor() {
		return nil, nil, fmt.Errorf("tensor of shape %v is column-major, want row-major", shape)
	}
	if t.RequiresIterator() {
		m, ok := t.Materialize().(*tensor.Dense)
		if !ok {
			return nil, nil, fmt.Errorf("cannot materialise the view of shape %v", shape)
		}
		t = m
	}
	n := shape.TotalSize()
	data := t.Float32s()
	if len(data) < n {
		return nil, nil, fmt.Errorf("tensor of shape %v holds %d elements, want %d", shape, len(data), n)
	}
	return data[:n:n], t, nil
}

// SplitAxis views shape s around axis as (outer, n, inner): outer is the
// product of the sizes before axis, n = s[axis] and inner the product of
// the sizes after it, so that s holds outer*n*inner elements in row-major
// order. axis must be in [0, len(s)).
func SplitAxis(s tensor.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, s[axis], inner
}

// ReshapeCheck reports whether the elements of shape from, in row-major
// order, can take shape to: every size of to must be non-negative and the
// total sizes equal.
func ReshapeCheck(from, to tensor.Shape) error {
	ok := true
	for _, d := range to {
		ok = ok && d >= 0
	}
	if !ok || to.TotalSize() != from.TotalSize() {
		return fmt.Errorf("cannot reshape %v into %v", from, to)
	}
	return nil
}

// TransposeShape returns the shape of s with its axes permuted by perm
// (result axis i is s's axis perm[i]) and whether perm is the identity.
// perm must be a permutation of s's axes; on error the shape is s.
func TransposeShape(s tensor.Shape, perm []int) (out tensor.Shape, identity bool, err error) {
	r := len(s)
	seen := make([]bool, r)
	ok := len(perm) == r
	for _, p := range perm {
		ok = ok && p >= 0 && p < r && !seen[p]
		if ok {
			seen[p] = true
		}
	}
	if !ok {
		return s, false, fmt.Errorf("permutation %v does not fit shape %v", perm, s)
	}
	out = make(tensor.Shape, r)
	identity = true
	for i, p := range perm {
		out[i] = s[p]
		identity = identity && p == i
	}
	return out, identity, nil
}

// ConcatShape returns the shape of shapes joined along axis: all must have
// the same rank and agree on every other dimension; the result's size along
// axis is the sum of theirs. On error the shape is shapes[0] (the empty
// shape when there is none).
func ConcatShape(axis int, shapes []tensor.Shape) (tensor.Shape, error) {
	if len(shapes) == 0 {
		return tensor.Shape{}, errors.New("no values")
	}
	first := shapes[0]
	if axis < 0 || axis >= len(first) {
		return first, fmt.Errorf("axis %d out of range for shapes %v", axis, shapes)
	}
	shape := first.Clone()
	shape[axis] = 0
	for _, s := range shapes {
		ok := len(s) == len(first)
		for j := range s {
			ok = ok && (j == axis || s[j] == first[j])
		}
		if !ok {
			return first, fmt.Errorf("shapes %v do not agree off axis %d", shapes, axis)
		}
		shape[axis] += s[axis]
	}
	return shape, nil
}

// SliceShape returns the shape of indices [start,end) of axis of s, with
// 0 <= start <= end <= s[axis]. On error the shape is s with axis resized
// to end-start where that is meaningful, s otherwise.
func SliceShape(s tensor.Shape, axis, start, end int) (tensor.Shape, error) {
	shape := s.Clone()
	if axis < 0 || axis >= len(s) || start < 0 || start > end || end > s[axis] {
		if axis >= 0 && axis < len(shape) && end >= start {
			shape[axis] = end - start
		}
		return shape, fmt.Errorf("range [%d,%d) of axis %d out of bounds for shape %v", start, end, axis, s)
	}
	shape[axis] = end - start
	return shape, nil
}

// GatherShape returns the shape (L,D) of the rows ids (L) of a table of
// shape (V,D); each id must be in [0,V). On error the shape is (L,D), or
// (L,0) when the table is not 2-D.
func GatherShape(table tensor.Shape, ids []int) (tensor.Shape, error) {
	if len(table) != 2 {
		return tensor.Shape{len(ids), 0}, fmt.Errorf("table of shape %v is not 2-D", table)
	}
	rows, d := table[0], table[1]
	shape := tensor.Shape{len(ids), d}
	for i, id := range ids {
		if id < 0 || id >= rows {
			return shape, fmt.Errorf("id %d at position %d out of range for table of shape %v", id, i, table)
		}
	}
	return shape, nil
}

// MatMulShape returns the shape of the product of the last two axes of a
// and b: a (m,k) times b (k,n) gives (m,n), batched a (B,m,k) times b
// (B,k,n) gives (B,m,n); transA and transB transpose the last two axes of
// a and b first (a stored (k,m), b stored (n,k)). k is the contracted
// size. On error the shape is still (m,n) or (B,m,n) as read from a and b
// (zero sizes where they lack the axes).
func MatMulShape(a, b tensor.Shape, transA, transB bool) (shape tensor.Shape, k int, err error) {
	r := len(a)
	ok := (r == 2 || r == 3) && len(b) == r && (r == 2 || a[0] == b[0])
	var m, k2, n int
	if len(a) >= 2 {
		m, k = a[len(a)-2], a[len(a)-1]
		if transA {
			m, k = k, m
		}
	}
	if len(b) >= 2 {
		k2, n = b[len(b)-2], b[len(b)-1]
		if transB {
			k2, n = n, k2
		}
	}
	shape = tensor.Shape{m, n}
	if r == 3 {
		shape = tensor.Shape{a[0], m, n}
	}
	if !ok || k != k2 {
		return shape, k, fmt.Errorf("shapes %v and %v (transA=%v, transB=%v) do not multiply", a, b, transA, transB)
	}
	return shape, k, nil
}

// ReduceShape returns the shape of s reduced along axis, the axis kept
// with size 1: (N,D) along 1 gives (N,1). On error the shape is s.
func ReduceShape(s tensor.Shape, axis int) (tensor.Shape, error) {
	if axis < 0 || axis >= len(s) {
		return s, fmt.Errorf("axis %d out of range for shape %v", axis, s)
	}
	shape := s.Clone()
	shape[axis] = 1
	return shape, nil
}

// BroadcastPlan checks that b broadcasts against a under the rule of Exec
// (same shape; same rank with some sizes 1; or b equal to a's trailing
// dimensions) and returns how b's elements line up against a's: a is a
// row-major array of shape dims (size-1 dimensions dropped, runs of
// dimensions that b treats alike merged; dims is (1) when nothing is
// left), and b's index advances by bStride[i] along dims[i], 0 where b is
// broadcast. The result of the operation has a's shape.
func BroadcastPlan(a, b tensor.Shape) (dims, bStride []int, err error) {
	if !broadcasts(a, b) {
		return nil, nil, fmt.Errorf("shape %v does not broadcast against %v", b, a)
	}
	lead := len(a) - len(b)
	const none, full, bcast = 0, 1, 2
	var kinds []int
	last := none
	for i, ad := range a {
		if ad == 1 {
			continue // a size-1 axis changes no index
		}
		kind := bcast
		if i >= lead && b[i-lead] == ad {
			kind = full
		}
		if kind == last {
			dims[len(dims)-1] *= ad
			continue
		}
		dims = append(dims, ad)
		kinds = append(kinds, kind)
		last = kind
	}
	if len(dims) == 0 {
		dims, kinds = []int{1}, []int{full}
	}
	bStride = make([]int, len(dims))
	stride := 1
	for i := len(dims) - 1; i >= 0; i-- {
		if kinds[i] == full {
			bStride[i] = stride
			stride *= dims[i]
		}
	}
	return dims, bStride, nil
}

// broadcasts reports whether b broadcasts against a under Exec's rule.
func broadcasts(a, b tensor.Shape) bool {
	if len(b) > len(a) {
		return false
	}
	lead := len(a) - len(b)
	for i, d := range b {
		if ad := a[lead+i]; d != ad && (lead > 0 || d != 1) {
			return false
		}
	}
	return true
}

// AttentionShape checks the operands of Attender.Attention, q (B,Lq,dh),
// k (B,Lk,dh), v (B,Lk,dv) and, when hasBias, an additive bias (Lq,Lk) or
// (B,Lq,Lk), and returns the result's shape (B,Lq,dv) and whether the bias
// is batched (B,Lq,Lk). On error the shape is (B,Lq,dv) read from q and v
// when both are 3-D, q otherwise.
func AttentionShape(q, k, v, bias tensor.Shape, hasBias bool) (out tensor.Shape, batchedBias bool, err error) {
	ok := len(q) == 3 && len(k) == 3 && len(v) == 3 &&
		k[0] == q[0] && v[0] == q[0] && k[2] == q[2] && v[1] == k[1]
	if len(q) == 3 && len(v) == 3 {
		out = tensor.Shape{q[0], q[1], v[2]}
	} else {
		out = q.Clone()
	}
	if ok && hasBias {
		switch {
		case len(bias) == 2 && bias[0] == q[1] && bias[1] == k[1]:
		case len(bias) == 3 && bias[0] == q[0] && bias[1] == q[1] && bias[2] == k[1]:
			batchedBias = true
		default:
			ok = false
		}
	}
	if !ok {
		var bs tensor.Shape
		if hasBias {
			bs = bias
		}
		return out, false, fmt.Errorf("q %v, k %v, v %v and bias %v do not agree (want q (B,Lq,dh), k (B,Lk,dh), v (B,Lk,dv), bias (Lq,Lk), (B,Lq,Lk) or nil)", q, k, v, bs)
	}
	return out, batchedBias, nil
}

// SoftmaxCheck checks the operand of Softmaxer.Softmax: a must have a last
// axis (rank >= 1); the result has a's shape.
func SoftmaxCheck(a tensor.Shape) error {
	if len(a) == 0 {
		return fmt.Errorf("shape %v has no last axis", a)
	}
	return nil
}

// LayerNormCheck checks the operands of LayerNormer.LayerNorm: a (...,D),
// gamma (D) and, when hasBeta, beta (D). The result has a's shape.
func LayerNormCheck(a, gamma, beta tensor.Shape, hasBeta bool) error {
	ok := len(a) > 0 && isVector(gamma, a[len(a)-1])
	ok = ok && (!hasBeta || isVector(beta, a[len(a)-1]))
	if !ok {
		var bs tensor.Shape
		if hasBeta {
			bs = beta
		}
		return fmt.Errorf("input %v, gamma %v and beta %v do not agree (want gamma and beta (D) for input (...,D))", a, gamma, bs)
	}
	return nil
}

// RMSNormCheck checks the operands of RMSNormer.RMSNorm: a (...,D) and
// gamma (D). The result has a's shape.
func RMSNormCheck(a, gamma tensor.Shape) error {
	if len(a) == 0 || !isVector(gamma, a[len(a)-1]) {
		return fmt.Errorf("input %v and gamma %v do not agree (want gamma (D) for input (...,D))", a, gamma)
	}
	return nil
}

// isVector reports whether s is (d).
func isVector(s tensor.Shape, d int) bool { return len(s) == 1 && s[0] == d }
