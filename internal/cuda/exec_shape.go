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
	if err := nn.ReshapeCheck(av.shape, s); err != nil {
		e.failErr("Reshape", err)
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
	shape, identity, err := nn.TransposeShape(av.shape, perm)
	if err != nil {
		e.failErr("Transpose", err)
		return e.placeholder(shape)
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
	args := make([]*value, len(vs))
	shapes := make([]tensor.Shape, len(vs))
	for i, v := range vs {
		args[i] = e.arg("Concat", v)
		if args[i] == nil {
			return e.placeholder(shapeOf(vs[0]))
		}
		shapes[i] = args[i].shape
	}
	shape, err := nn.ConcatShape(axis, shapes)
	if err != nil {
		e.failErr("Concat", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc("Concat", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	outer, total, inner := nn.SplitAxis(shape, axis)
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
	shape, err := nn.SliceShape(av.shape, axis, start, end)
	if err != nil {
		e.failErr("Slice", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	outer, n, inner := nn.SplitAxis(av.shape, axis)
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
	if len(tv.shape) == 2 && tv.shape[0] > math.MaxInt32 {
		e.fail("Gather", "table of shape %v has more rows than int32 ids address", tv.shape)
		return e.placeholder(tensor.Shape{len(ids), tv.shape[1]})
	}
	shape, err := nn.GatherShape(tv.shape, ids)
	if err != nil {
		e.failErr("Gather", err)
		return e.placeholder(shape)
	}
	d := shape[1]
	ids32 := make([]int32, len(ids))
	for i, id := range ids {
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
