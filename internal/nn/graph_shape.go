package nn

import (
	"gorgonia.org/tensor"
)

// Reshape keeps the elements in row-major order; the total size must not
// change. Every dimension must be positive (no -1 inference). The output
// shares a's memory (no gKernel of this executor writes into its inputs).
func (g *Graph) Reshape(a V, shape ...int) (ret V) {
	want := tensor.Shape(append([]int(nil), shape...))
	if g.err != nil {
		return g.placeholder(want)
	}
	defer g.guard("Reshape", &ret, want)
	ns, ok := g.val("Reshape", a)
	if !ok {
		return g.placeholder(want)
	}
	x := ns[0]
	for _, d := range want {
		if d <= 0 {
			g.setErr("Reshape", "%v to %v: dimensions must be positive", gFmtShape(x.shape), gFmtShape(want))
			return g.placeholder(want)
		}
	}
	if want.TotalSize() != x.shape.TotalSize() {
		g.setErr("Reshape", "%v to %v: sizes %d and %d differ", gFmtShape(x.shape), gFmtShape(want),
			x.shape.TotalSize(), want.TotalSize())
		return g.placeholder(want)
	}
	return g.reshape(x, want)
}

// reshape adds a reshape of x to the user shape to (same total size).
func (g *Graph) reshape(x *gnode, to tensor.Shape) *gnode {
	if x.shape.Eq(to) && len(x.shape) == len(to) {
		return x
	}
	from := x.shape.Clone()
	ns := gNodeShape(to)
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		return gWrap(ns, gData(in[0])), nil
	}
	back := func(gout *gnode, _ []bool) []*gnode { return []*gnode{g.reshape(gout, from)} }
	return g.apply("Reshape", to, k, back, x)
}

// Transpose permutes the axes: result axis i is a's axis perm[i]. The
// result is a contiguous copy; the gradient applies the inverse permutation.
func (g *Graph) Transpose(a V, perm ...int) (ret V) {
	shape, _, permErr := TransposeShape(gShapeOf(a), perm)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Transpose", &ret, shape)
	ns, ok := g.val("Transpose", a)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	if permErr != nil {
		g.setErr("Transpose", "perm %v is not a permutation of the axes of %v", perm, gFmtShape(x.shape))
		return g.placeholder(shape)
	}
	return g.transpose(x, append([]int(nil), perm...))
}

// transpose adds the permutation of x's axes.
func (g *Graph) transpose(x *gnode, perm []int) *gnode {
	identity := true
	for i, p := range perm {
		identity = identity && p == i
	}
	if identity {
		return x
	}
	src := x.shape.Clone()
	r := len(src)
	out := make(tensor.Shape, r)
	for i, p := range perm {
		out[i] = src[p]
	}
	strides := make([]int, r)
	s := 1
	for i := r - 1; i >= 0; i-- {
		strides[i] = s
		s *= src[i]
	}
	// pst[i] is the stride in the source of the result's axis i.
	pst := make([]int, r)
	for i, p := range perm {
		pst[i] = strides[p]
	}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(out)
		o, xs := gData(res), gData(in[0])
		inner := out[r-1]
		is := pst[r-1]
		idx := make([]int, r-1)
		off := 0
		for row := 0; row < len(o)/inner; row++ {
			dst := o[row*inner : (row+1)*inner]
			for j := range dst {
				dst[j] = xs[off+j*is]
			}
			for ax := r - 2; ax >= 0; ax-- {
				idx[ax]++
				off += pst[ax]
				if idx[ax] < out[ax] {
					break
				}
				off -= pst[ax] * out[ax]
				idx[ax] = 0
			}
		}
		return res, nil
	}
	inv := make([]int, r)
	for i, p := range perm {
		inv[p] = i
	}
	back := func(gout *gnode, _ []bool) []*gnode { return []*gnode{g.transpose(gout, inv)} }
	return g.apply("Transpose", out, k, back, x)
}

// Concat joins values along axis; every other dimension must agree. The
// gradient of each input is the matching slice of the output gradient.
func (g *Graph) Concat(axis int, vs ...V) (ret V) {
	var shape tensor.Shape
	if len(vs) > 0 {
		shape = gShapeOf(vs[0]).Clone()
		if axis >= 0 && axis < len(shape) {
			for _, v := range vs[1:] {
				if s := gShapeOf(v); len(s) == len(shape) {
					shape[axis] += s[axis]
				}
			}
		}
	} else {
		shape = tensor.Shape{1}
	}
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Concat", &ret, shape)
	if len(vs) == 0 {
		g.setErr("Concat", "no values")
		return g.placeholder(shape)
	}
	xs, ok := g.val("Concat", vs...)
	if !ok {
		return g.placeholder(shape)
	}
	first := xs[0].shape
	if axis < 0 || axis >= len(first) {
		g.setErr("Concat", "axis %d out of range for shape %v", axis, gFmtShape(first))
		return g.placeholder(shape)
	}
	for _, x := range xs[1:] {
		same := len(x.shape) == len(first)
		for i := 0; same && i < len(first); i++ {
			same = i == axis || x.shape[i] == first[i]
		}
		if !same {
			g.setErr("Concat", "shapes %v and %v differ outside axis %d", gFmtShape(first), gFmtShape(x.shape), axis)
			return g.placeholder(shape)
		}
	}
	if len(xs) == 1 {
		return xs[0]
	}
	outer, _, inner := SplitAxis(shape, axis)
	sizes := make([]int, len(xs))
	for i, x := range xs {
		sizes[i] = x.shape[axis]
	}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(shape)
		o := gData(res)
		row := shape[axis] * inner
		start := 0
		for i, t := range in {
			w := sizes[i] * inner
			src := gData(t)
			for a := 0; a < outer; a++ {
				copy(o[a*row+start:a*row+start+w], src[a*w:(a+1)*w])
			}
			start += w
		}
		return res, nil
	}
	back := func(gout *gnode, need []bool) []*gnode {
		grads := make([]*gnode, len(xs))
		start := 0
		for i, n := range sizes {
			if need[i] {
				grads[i] = g.slice(gout, axis, start, start+n)
			}
			start += n
		}
		return grads
	}
	return g.apply("Concat", shape, k, back, xs...)
}

// Slice keeps indices [start,end) of axis; 0 <= start < end <= size. The
// result is a contiguous copy; the gradient pads the output gradient with
// zeros back to a's shape.
func (g *Graph) Slice(a V, axis, start, end int) (ret V) {
	shape := gShapeOf(a).Clone()
	if axis >= 0 && axis < len(shape) && end > start {
		shape[axis] = end - start
	}
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Slice", &ret, shape)
	ns, ok := g.val("Slice", a)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	if axis < 0 || axis >= len(x.shape) || start < 0 || end <= start || end > x.shape[axis] {
		g.setErr("Slice", "[%d,%d) of axis %d out of range for shape %v", start, end, axis, gFmtShape(x.shape))
		return g.placeholder(shape)
	}
	return g.slice(x, axis, start, end)
}

// slice adds the copy of [start,end) along axis of x.
func (g *Graph) slice(x *gnode, axis, start, end int) *gnode {
	full := x.shape.Clone()
	if start == 0 && end == full[axis] {
		return x
	}
	out := full.Clone()
	out[axis] = end - start
	outer, n, inner := SplitAxis(full, axis)
	w := (end - start) * inner
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(out)
		o, xs := gData(res), gData(in[0])
		for a := 0; a < outer; a++ {
			src := a*n*inner + start*inner
			copy(o[a*w:(a+1)*w], xs[src:src+w])
		}
		return res, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode {
		pk := func(in []*tensor.Dense) (*tensor.Dense, error) {
			res := gZeros(full)
			o, gs := gData(res), gData(in[0])
			for a := 0; a < outer; a++ {
				dst := a*n*inner + start*inner
				copy(o[dst:dst+w], gs[a*w:(a+1)*w])
			}
			return res, nil
		}
		var pad *gnode
		pad = g.apply("Pad", full, pk, func(gp *gnode, _ []bool) []*gnode {
			return []*gnode{g.slice(gp, axis, start, end)}
		}, gout)
		return []*gnode{pad}
	}
	return g.apply("Slice", out, k, back, x)
}

// Gather picks rows of a 2-D table: (V,D) and ids (L) -> (L,D). Each id must
// be in [0,V). The gradient scatters (adds) the output gradient rows into a
// zero (V,D) tensor, so a row picked twice gets the sum.
func (g *Graph) Gather(table V, ids []int) (ret V) {
	ts := gShapeOf(table)
	shape := tensor.Shape{len(ids), 1}
	if len(ts) == 2 {
		shape[1] = ts[1]
	}
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Gather", &ret, shape)
	ns, ok := g.val("Gather", table)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	if len(x.shape) != 2 {
		g.setErr("Gather", "table shape %v is not 2-D", gFmtShape(x.shape))
		return g.placeholder(shape)
	}
	if len(ids) == 0 {
		g.setErr("Gather", "no ids for table %v", gFmtShape(x.shape))
		return g.placeholder(shape)
	}
	for i, id := range ids {
		if id < 0 || id >= x.shape[0] {
			g.setErr("Gather", "id %d at position %d out of range for table %v", id, i, gFmtShape(x.shape))
			return g.placeholder(shape)
		}
	}
	return g.gather(x, append([]int(nil), ids...))
}

// gather adds the row lookup; scatter is its gradient and vice versa.
func (g *Graph) gather(x *gnode, ids []int) *gnode {
	rows, d := x.shape[0], x.shape[1]
	out := tensor.Shape{len(ids), d}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(out)
		o, xs := gData(res), gData(in[0])
		for l, id := range ids {
			copy(o[l*d:(l+1)*d], xs[id*d:(id+1)*d])
		}
		return res, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode { return []*gnode{g.scatter(gout, ids, rows)} }
	return g.apply("Gather", out, k, back, x)
}

// scatter adds the node summing the rows of x (L,D) into a zero (rows,D)
// tensor at ids.
func (g *Graph) scatter(x *gnode, ids []int, rows int) *gnode {
	d := x.shape[1]
	out := tensor.Shape{rows, d}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(out)
		o, xs := gData(res), gData(in[0])
		for l, id := range ids {
			dst := o[id*d : (id+1)*d]
			for j, v := range xs[l*d : (l+1)*d] {
				dst[j] += v
			}
		}
		return res, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode { return []*gnode{g.gather(gout, ids)} }
	return g.apply("Scatter", out, k, back, x)
}
