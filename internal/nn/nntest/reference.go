package nntest

import (
	"fmt"
	"math"
	"slices"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Reference is the float64 reference executor: it implements nn.Exec by
// plain loops in float64, converting float32 parameters and constants on
// entry. It implements none of the fused abilities, so every layer runs its
// composed form on it. It is slow and meant only as the ground truth of the
// conformance suite and of the finite-difference gradient check.
type Reference struct {
	err error
	// override, when set, replaces the float32 contents of a parameter by
	// float64 values (used by the finite-difference gradient check so that
	// perturbations are not rounded to float32).
	override map[*tensor.Dense][]float64
}

var _ nn.Exec = (*Reference)(nil)

// NewReference returns an empty reference executor.
func NewReference() *Reference { return &Reference{} }

// refValue is the Reference executor's nn.V: a row-major float64 tensor. A
// placeholder returned after an error has a shape and nil data.
type refValue struct {
	shape tensor.Shape
	data  []float64
}

func (v *refValue) Shape() tensor.Shape { return v.shape }

// Float64s returns the elements of v in row-major order; it returns nil for a
// placeholder produced after an error or for a value of another executor.
// The caller must not modify the result.
func (r *Reference) Float64s(v nn.V) []float64 {
	rv, ok := v.(*refValue)
	if !ok {
		return nil
	}
	return rv.data
}

// Err returns the first error met by any operation.
func (r *Reference) Err() error { return r.err }

func (r *Reference) fail(shape []int, format string, args ...any) nn.V {
	if r.err == nil {
		r.err = fmt.Errorf("nntest: "+format, args...)
	}
	return placeholder(shape)
}

func placeholder(shape []int) *refValue {
	return &refValue{shape: tensor.Shape(slices.Clone(shape))}
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// vals converts the operands of op; it reports false (after recording an
// error if none is recorded yet) when an error is pending or an operand is
// not a Reference value.
func (r *Reference) vals(op string, vs ...nn.V) ([]*refValue, bool) {
	if r.err != nil {
		return nil, false
	}
	out := make([]*refValue, len(vs))
	for i, v := range vs {
		rv, ok := v.(*refValue)
		if !ok || rv.data == nil {
			r.fail(nil, "%s: operand %d is not a value of this executor (%T)", op, i, v)
			return nil, false
		}
		out[i] = rv
	}
	return out, true
}

func shapeOf(v nn.V) []int {
	if v == nil {
		return nil
	}
	return v.Shape()
}

func (r *Reference) load(op string, t *tensor.Dense) nn.V {
	if r.err != nil {
		if t == nil {
			return placeholder(nil)
		}
		return placeholder(t.Shape())
	}
	if t == nil {
		return r.fail(nil, "%s: nil tensor", op)
	}
	if t.Dtype() != tensor.Float32 {
		return r.fail(t.Shape(), "%s: tensor %v has dtype %v, want float32", op, t.Shape(), t.Dtype())
	}
	shape := slices.Clone([]int(t.Shape()))
	if ov, ok := r.override[t]; ok {
		return &refValue{shape: shape, data: slices.Clone(ov)}
	}
	src, ok := t.Data().([]float32)
	if !ok {
		// A scalar Dense stores a float32, not a slice.
		f, isScalar := t.Data().(float32)
		if !isScalar {
			return r.fail(shape, "%s: tensor %v has no float32 data", op, t.Shape())
		}
		src = []float32{f}
	}
	if len(src) != size(shape) {
		return r.fail(shape, "%s: tensor %v holds %d elements, want %d (views are not supported)", op, t.Shape(), len(src), size(shape))
	}
	data := make([]float64, len(src))
	for i, x := range src {
		data[i] = float64(x)
	}
	return &refValue{shape: shape, data: data}
}

// Param reads a float32 parameter tensor (converted to float64).
func (r *Reference) Param(p *tensor.Dense) nn.V { return r.load("Param", p) }

// Const reads a float32 input tensor (converted to float64).
func (r *Reference) Const(t *tensor.Dense) nn.V { return r.load("Const", t) }

// broadcastStrides returns, for every axis of a, the stride of b's element
// index along that axis (0 where b broadcasts), following the rule of nn.Exec.
func broadcastStrides(a, b []int) ([]int, bool) {
	if len(b) > len(a) {
		return nil, false
	}
	pad := len(a) - len(b)
	if pad > 0 {
		// Fewer dimensions: b must equal the trailing dimensions of a.
		if !slices.Equal(a[pad:], b) {
			return nil, false
		}
	}
	strides := make([]int, len(a))
	s := 1
	for i := len(a) - 1; i >= pad; i-- {
		bd := b[i-pad]
		switch {
		case bd == a[i]:
			strides[i] = s
		case bd == 1:
			strides[i] = 0
		default:
			return nil, false
		}
		s *= bd
	}
	return strides, true
}

func (r *Reference) binary(op string, a, b nn.V, f func(x, y float64) float64) nn.V {
	vs, ok := r.vals(op, a, b)
	if !ok {
		return placeholder(shapeOf(a))
	}
	x, y := vs[0], vs[1]
	strides, ok := broadcastStrides(x.shape, y.shape)
	if !ok {
		return r.fail(x.shape, "%s: shapes %v and %v do not broadcast", op, x.shape, y.shape)
	}
	out := make([]float64, len(x.data))
	idx := make([]int, len(x.shape))
	for i := range out {
		j := 0
		for ax, c := range idx {
			j += c * strides[ax]
		}
		out[i] = f(x.data[i], y.data[j])
		for ax := len(idx) - 1; ax >= 0; ax-- {
			idx[ax]++
			if idx[ax] < x.shape[ax] {
				break
			}
			idx[ax] = 0
		}
	}
	return &refValue{shape: slices.Clone(x.shape), data: out}
}

// Add returns a+b with b broadcast against a.
func (r *Reference) Add(a, b nn.V) nn.V {
	return r.binary("Add", a, b, func(x, y float64) float64 { return x + y })
}

// Sub returns a-b with b broadcast against a.
func (r *Reference) Sub(a, b nn.V) nn.V {
	return r.binary("Sub", a, b, func(x, y float64) float64 { return x - y })
}

// Mul returns a*b with b broadcast against a.
func (r *Reference) Mul(a, b nn.V) nn.V {
	return r.binary("Mul", a, b, func(x, y float64) float64 { return x * y })
}

// Div returns a/b with b broadcast against a.
func (r *Reference) Div(a, b nn.V) nn.V {
	return r.binary("Div", a, b, func(x, y float64) float64 { return x / y })
}

func (r *Reference) unary(op string, a nn.V, f func(float64) float64) nn.V {
	vs, ok := r.vals(op, a)
	if !ok {
		return placeholder(shapeOf(a))
	}
	x := vs[0]
	out := make([]float64, len(x.data))
	for i, v := range x.data {
		out[i] = f(v)
	}
	return &refValue{shape: slices.Clone(x.shape), data: out}
}

// Scale returns s*a.
func (r *Reference) Scale(a nn.V, s float32) nn.V {
	return r.unary("Scale", a, func(x float64) float64 { return x * float64(s) })
}

// AddScalar returns a+s.
func (r *Reference) AddScalar(a nn.V, s float32) nn.V {
	return r.unary("AddScalar", a, func(x float64) float64 { return x + float64(s) })
}

// Exp returns exp(a).
func (r *Reference) Exp(a nn.V) nn.V { return r.unary("Exp", a, math.Exp) }

// Log returns log(a).
func (r *Reference) Log(a nn.V) nn.V { return r.unary("Log", a, math.Log) }

// Sqrt returns sqrt(a).
func (r *Reference) Sqrt(a nn.V) nn.V { return r.unary("Sqrt", a, math.Sqrt) }

// Square returns a*a.
func (r *Reference) Square(a nn.V) nn.V {
	return r.unary("Square", a, func(x float64) float64 { return x * x })
}

// Tanh returns tanh(a).
func (r *Reference) Tanh(a nn.V) nn.V { return r.unary("Tanh", a, math.Tanh) }

// Sigmoid returns 1/(1+exp(-a)).
func (r *Reference) Sigmoid(a nn.V) nn.V {
	return r.unary("Sigmoid", a, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
}

// MatMul multiplies the last two axes: (m,k)x(k,n) -> (m,n) or
// (B,m,k)x(B,k,n) -> (B,m,n), after transposing those axes of a (transA)
// and b (transB).
func (r *Reference) MatMul(a, b nn.V, transA, transB bool) nn.V {
	vs, ok := r.vals("MatMul", a, b)
	if !ok {
		return placeholder(matmulShape(shapeOf(a), shapeOf(b), transA, transB))
	}
	x, y := vs[0], vs[1]
	rank := len(x.shape)
	if (rank != 2 && rank != 3) || len(y.shape) != rank || (rank == 3 && x.shape[0] != y.shape[0]) {
		return r.fail(matmulShape(x.shape, y.shape, transA, transB), "MatMul: shapes %v and %v: want (m,k)x(k,n) or (B,m,k)x(B,k,n)", x.shape, y.shape)
	}
	m, k := x.shape[rank-2], x.shape[rank-1]
	if transA {
		m, k = k, m
	}
	k2, n := y.shape[rank-2], y.shape[rank-1]
	if transB {
		k2, n = n, k2
	}
	if k != k2 {
		return r.fail(matmulShape(x.shape, y.shape, transA, transB), "MatMul: shapes %v and %v (transA=%v, transB=%v): inner dimensions %d and %d differ", x.shape, y.shape, transA, transB, k, k2)
	}
	batch := 1
	if rank == 3 {
		batch = x.shape[0]
	}
	out := make([]float64, batch*m*n)
	for bi := 0; bi < batch; bi++ {
		xa := x.data[bi*m*k : (bi+1)*m*k]
		yb := y.data[bi*k*n : (bi+1)*k*n]
		o := out[bi*m*n : (bi+1)*m*n]
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for l := 0; l < k; l++ {
					var av, bv float64
					if transA {
						av = xa[l*m+i]
					} else {
						av = xa[i*k+l]
					}
					if transB {
						bv = yb[j*k+l]
					} else {
						bv = yb[l*n+j]
					}
					s += av * bv
				}
				o[i*n+j] = s
			}
		}
	}
	shape := []int{m, n}
	if rank == 3 {
		shape = []int{batch, m, n}
	}
	return &refValue{shape: shape, data: out}
}

// matmulShape guesses the result shape of a failed MatMul for its placeholder.
func matmulShape(a, b []int, transA, transB bool) []int {
	if len(a) < 2 || len(b) < 2 {
		return []int{1, 1}
	}
	m := a[len(a)-2]
	if transA {
		m = a[len(a)-1]
	}
	n := b[len(b)-1]
	if transB {
		n = b[len(b)-2]
	}
	out := slices.Clone(a[:len(a)-2])
	return append(out, m, n)
}

func (r *Reference) reduce(op string, a nn.V, axis int, f func([]float64) float64) nn.V {
	vs, ok := r.vals(op, a)
	if !ok {
		return placeholder(keepShape(shapeOf(a), axis))
	}
	x := vs[0]
	if axis < 0 || axis >= len(x.shape) {
		return r.fail(keepShape(x.shape, axis), "%s: axis %d out of range for shape %v", op, axis, x.shape)
	}
	outer, n, inner := split(x.shape, axis)
	out := make([]float64, outer*inner)
	buf := make([]float64, n)
	for o := 0; o < outer; o++ {
		for in := 0; in < inner; in++ {
			for i := range n {
				buf[i] = x.data[(o*n+i)*inner+in]
			}
			out[o*inner+in] = f(buf)
		}
	}
	return &refValue{shape: keepShape(x.shape, axis), data: out}
}

// split returns the sizes before, at and after axis.
func split(shape []int, axis int) (outer, n, inner int) {
	return size(shape[:axis]), shape[axis], size(shape[axis+1:])
}

func keepShape(shape []int, axis int) []int {
	out := slices.Clone(shape)
	if axis >= 0 && axis < len(out) {
		out[axis] = 1
	}
	return out
}

// Sum reduces along axis, keeping it with size 1.
func (r *Reference) Sum(a nn.V, axis int) nn.V {
	return r.reduce("Sum", a, axis, func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return s
	})
}

// Mean averages along axis, keeping it with size 1.
func (r *Reference) Mean(a nn.V, axis int) nn.V {
	return r.reduce("Mean", a, axis, func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return s / float64(len(xs))
	})
}

// Max takes the maximum along axis, keeping it with size 1.
func (r *Reference) Max(a nn.V, axis int) nn.V {
	return r.reduce("Max", a, axis, func(xs []float64) float64 { return slices.Max(xs) })
}

// Reshape keeps the elements in row-major order.
func (r *Reference) Reshape(a nn.V, shape ...int) nn.V {
	vs, ok := r.vals("Reshape", a)
	if !ok {
		return placeholder(shape)
	}
	x := vs[0]
	for _, d := range shape {
		if d <= 0 {
			return r.fail(shape, "Reshape: shape %v to %v: dimensions must be positive", x.shape, tensor.Shape(shape))
		}
	}
	if size(shape) != len(x.data) {
		return r.fail(shape, "Reshape: shape %v to %v: sizes %d and %d differ", x.shape, tensor.Shape(shape), len(x.data), size(shape))
	}
	return &refValue{shape: slices.Clone(shape), data: slices.Clone(x.data)}
}

// Transpose permutes the axes: result axis i is a's axis perm[i].
func (r *Reference) Transpose(a nn.V, perm ...int) nn.V {
	vs, ok := r.vals("Transpose", a)
	if !ok {
		return placeholder(permuted(shapeOf(a), perm))
	}
	x := vs[0]
	if len(perm) != len(x.shape) || !isPerm(perm) {
		return r.fail(x.shape, "Transpose: %v is not a permutation of the axes of shape %v", perm, x.shape)
	}
	shape := permuted(x.shape, perm)
	inStrides := rowMajorStrides(x.shape)
	out := make([]float64, len(x.data))
	idx := make([]int, len(shape))
	for i := range out {
		j := 0
		for ax, c := range idx {
			j += c * inStrides[perm[ax]]
		}
		out[i] = x.data[j]
		for ax := len(idx) - 1; ax >= 0; ax-- {
			idx[ax]++
			if idx[ax] < shape[ax] {
				break
			}
			idx[ax] = 0
		}
	}
	return &refValue{shape: shape, data: out}
}

func isPerm(perm []int) bool {
	seen := make([]bool, len(perm))
	for _, p := range perm {
		if p < 0 || p >= len(perm) || seen[p] {
			return false
		}
		seen[p] = true
	}
	return true
}

func permuted(shape []int, perm []int) []int {
	if len(perm) != len(shape) || !isPerm(perm) {
		return slices.Clone(shape)
	}
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = shape[p]
	}
	return out
}

func rowMajorStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// Concat joins values along axis; all other dimensions must agree.
func (r *Reference) Concat(axis int, vs ...nn.V) nn.V {
	var first []int
	if len(vs) > 0 {
		first = shapeOf(vs[0])
	}
	xs, ok := r.vals("Concat", vs...)
	if !ok {
		return placeholder(first)
	}
	if len(xs) == 0 {
		return r.fail(nil, "Concat: no values")
	}
	shape := slices.Clone(xs[0].shape)
	if axis < 0 || axis >= len(shape) {
		return r.fail(shape, "Concat: axis %d out of range for shape %v", axis, xs[0].shape)
	}
	total := 0
	for _, x := range xs {
		ok := len(x.shape) == len(shape)
		for d := 0; ok && d < len(shape); d++ {
			ok = d == axis || x.shape[d] == shape[d]
		}
		if !ok {
			return r.fail(shape, "Concat: along axis %d: shapes %v and %v disagree", axis, xs[0].shape, x.shape)
		}
		total += x.shape[axis]
	}
	shape[axis] = total
	outer, _, inner := split(shape, axis)
	out := make([]float64, 0, size(shape))
	for o := 0; o < outer; o++ {
		for _, x := range xs {
			n := x.shape[axis] * inner
			out = append(out, x.data[o*n:(o+1)*n]...)
		}
	}
	return &refValue{shape: shape, data: out}
}

// Slice keeps indices [start,end) of axis.
func (r *Reference) Slice(a nn.V, axis, start, end int) nn.V {
	pshape := slices.Clone(shapeOf(a))
	if axis >= 0 && axis < len(pshape) && end > start {
		pshape[axis] = end - start
	}
	vs, ok := r.vals("Slice", a)
	if !ok {
		return placeholder(pshape)
	}
	x := vs[0]
	if axis < 0 || axis >= len(x.shape) || start < 0 || end > x.shape[axis] || start >= end {
		return r.fail(pshape, "Slice: [%d,%d) of axis %d out of range for shape %v", start, end, axis, x.shape)
	}
	outer, n, inner := split(x.shape, axis)
	out := make([]float64, 0, outer*(end-start)*inner)
	for o := 0; o < outer; o++ {
		out = append(out, x.data[(o*n+start)*inner:(o*n+end)*inner]...)
	}
	shape := slices.Clone(x.shape)
	shape[axis] = end - start
	return &refValue{shape: shape, data: out}
}

// Gather picks rows of a 2-D table: (V,D) and ids (L) -> (L,D).
func (r *Reference) Gather(table nn.V, ids []int) nn.V {
	ts := shapeOf(table)
	pshape := []int{len(ids), 1}
	if len(ts) == 2 {
		pshape[1] = ts[1]
	}
	vs, ok := r.vals("Gather", table)
	if !ok {
		return placeholder(pshape)
	}
	x := vs[0]
	if len(x.shape) != 2 || len(ids) == 0 {
		return r.fail(pshape, "Gather: table shape %v with %d ids: want a (V,D) table and at least one id", x.shape, len(ids))
	}
	d := x.shape[1]
	out := make([]float64, 0, len(ids)*d)
	for _, id := range ids {
		if id < 0 || id >= x.shape[0] {
			return r.fail(pshape, "Gather: id %d out of range for table shape %v", id, x.shape)
		}
		out = append(out, x.data[id*d:(id+1)*d]...)
	}
	return &refValue{shape: []int{len(ids), d}, data: out}
}
