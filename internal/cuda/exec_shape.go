package cuda

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Reshape returns a's elements, in row-major order, with the given shape
// (non-negative sizes with the same product). The result shares a's device
// memory.
func (e *Exec) Reshape(a nn.V, shape ...int) nn.V {
	av := e.arg("Reshape", a)
	s := tensor.Shape(append([]int(nil), shape...))
	if av == nil {
		return e.placeholder(s)
	}
	ok := true
	for _, d := range s {
		ok = ok && d >= 0
	}
	if !ok || s.TotalSize() != av.shape.TotalSize() {
		e.fail("Reshape", "cannot reshape %v into %v", av.shape, s)
		return e.placeholder(s)
	}
	if e.err != nil {
		return e.placeholder(s)
	}
	return &value{shape: s, ptr: av.ptr}
}

// Transpose permutes a's axes: result axis i is a's axis perm[i]. The
// identity returns a itself; otherwise one vd_permute launch over the
// merged axes (planPermute).
func (e *Exec) Transpose(a nn.V, perm ...int) nn.V {
	av := e.arg("Transpose", a)
	if av == nil {
		return e.placeholder(shapeOf(a))
	}
	r := len(av.shape)
	seen := make([]bool, r)
	ok := len(perm) == r
	for _, p := range perm {
		ok = ok && p >= 0 && p < r && !seen[p]
		if ok {
			seen[p] = true
		}
	}
	if !ok {
		e.fail("Transpose", "permutation %v does not fit shape %v", perm, av.shape)
		return e.placeholder(av.shape)
	}
	shape := make(tensor.Shape, r)
	identity := true
	for i, p := range perm {
		shape[i] = av.shape[p]
		identity = identity && p == i
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	if identity {
		return av
	}
	out := e.alloc("Transpose", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	n := shape.TotalSize()
	if n == 0 {
		return out
	}
	plan := planPermute(av.shape, perm)
	meta := e.metaInt64("Transpose", plan.meta())
	if e.err != nil {
		return e.placeholder(shape)
	}
	e.launch("Transpose", kPermute, flat(n), av.ptr, out.ptr, int64(n), int32(len(plan.dims)), meta)
	return out
}

// Concat joins values along axis; all must have the same rank and agree on
// every other dimension. One vd_copy2d launch per input.
func (e *Exec) Concat(axis int, vs ...nn.V) nn.V {
	if len(vs) == 0 {
		e.fail("Concat", "no values")
		return e.placeholder(tensor.Shape{})
	}
	args := make([]*value, len(vs))
	shapes := make([]tensor.Shape, len(vs))
	for i, v := range vs {
		args[i] = e.arg("Concat", v)
		if args[i] == nil {
			return e.placeholder(shapeOf(vs[0]))
		}
		shapes[i] = args[i].shape
	}
	first := shapes[0]
	if axis < 0 || axis >= len(first) {
		e.fail("Concat", "axis %d out of range for shapes %v", axis, shapes)
		return e.placeholder(first)
	}
	shape := first.Clone()
	shape[axis] = 0
	for _, s := range shapes {
		ok := len(s) == len(first)
		for j := range s {
			ok = ok && (j == axis || s[j] == first[j])
		}
		if !ok {
			e.fail("Concat", "shapes %v do not agree off axis %d", shapes, axis)
			return e.placeholder(first)
		}
		shape[axis] += s[axis]
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc("Concat", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	outer, total, inner := splitAxis(shape, axis)
	row := int64(total * inner)
	off := int64(0)
	for _, a := range args {
		chunk := int64(a.shape[axis] * inner)
		if chunk > 0 && outer > 0 {
			e.launch("Concat", kCopy2D, flat(outer*int(chunk)), a.ptr, chunk, int64(0), out.ptr, row, off, int64(outer), chunk)
		}
		off += chunk
	}
	return out
}

// Slice keeps indices [start,end) of axis, 0 <= start <= end <= size. A
// slice of the outermost non-unit axis shares a's memory; others are one
// vd_copy2d launch.
func (e *Exec) Slice(a nn.V, axis, start, end int) nn.V {
	av := e.arg("Slice", a)
	if av == nil {
		return e.placeholder(shapeOf(a))
	}
	if axis < 0 || axis >= len(av.shape) || start < 0 || start > end || end > av.shape[axis] {
		e.fail("Slice", "range [%d,%d) of axis %d out of bounds for shape %v", start, end, axis, av.shape)
		shape := av.shape.Clone()
		if axis >= 0 && axis < len(shape) && end >= start {
			shape[axis] = end - start
		}
		return e.placeholder(shape)
	}
	shape := av.shape.Clone()
	shape[axis] = end - start
	if e.err != nil {
		return e.placeholder(shape)
	}
	outer, n, inner := splitAxis(av.shape, axis)
	if shape.TotalSize() == 0 {
		return &value{shape: shape}
	}
	if outer == 1 {
		return &value{shape: shape, ptr: av.ptr + devPtr(4*start*inner)}
	}
	out := e.alloc("Slice", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	chunk := int64((end - start) * inner)
	e.launch("Slice", kCopy2D, flat(outer*int(chunk)), av.ptr, int64(n*inner), int64(start*inner), out.ptr, chunk, int64(0), int64(outer), chunk)
	return out
}

// Gather picks rows of a 2-D table: table (V,D) and ids (L), each in
// [0,V), give (L,D). The ids are checked here and uploaded as int32.
func (e *Exec) Gather(table nn.V, ids []int) nn.V {
	tv := e.arg("Gather", table)
	if tv == nil {
		return e.placeholder(tensor.Shape{len(ids), 0})
	}
	if len(tv.shape) != 2 {
		e.fail("Gather", "table of shape %v is not 2-D", tv.shape)
		return e.placeholder(tensor.Shape{len(ids), 0})
	}
	rows, d := tv.shape[0], tv.shape[1]
	shape := tensor.Shape{len(ids), d}
	if rows > math.MaxInt32 {
		e.fail("Gather", "table of shape %v has more rows than int32 ids address", tv.shape)
		return e.placeholder(shape)
	}
	ids32 := make([]int32, len(ids))
	for i, id := range ids {
		if id < 0 || id >= rows {
			e.fail("Gather", "id %d at position %d out of range for table of shape %v", id, i, tv.shape)
			return e.placeholder(shape)
		}
		ids32[i] = int32(id)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc("Gather", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	if shape.TotalSize() == 0 {
		return out
	}
	dIDs := e.metaInt32("Gather", ids32)
	if e.err != nil {
		return e.placeholder(shape)
	}
	e.launch("Gather", kGather, flat(shape.TotalSize()), tv.ptr, dIDs, out.ptr, int64(len(ids)), int64(d))
	return out
}
