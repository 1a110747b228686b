package cuda

import "github.com/videodit/videodit/internal/nn"

var redNames = [...]string{redSum: "Sum", redMean: "Mean", redMax: "Max"}

// Sum adds a's elements along axis and keeps it with size 1: (N,D) along
// 1 -> (N,1). Sums accumulate in double on the device.
func (e *Exec) Sum(a nn.V, axis int) nn.V { return e.reduce(redSum, a, axis) }

// Mean averages a's elements along axis, keeping it with size 1.
func (e *Exec) Mean(a nn.V, axis int) nn.V { return e.reduce(redMean, a, axis) }

// Max takes the largest of a's elements along axis (NaN if any is NaN,
// -Inf for an empty axis), keeping it with size 1.
func (e *Exec) Max(a nn.V, axis int) nn.V { return e.reduce(redMax, a, axis) }

// reduce views a as (outer, n, inner) around axis: contiguous rows
// (inner 1) get a block each (vd_reduce_rows), strided axes a thread per
// output (vd_reduce_cols).
func (e *Exec) reduce(op int32, a nn.V, axis int) nn.V {
	name := redNames[op]
	av := e.arg(name, a)
	if av == nil {
		return e.placeholder(shapeOf(a))
	}
	shape, err := nn.ReduceShape(av.shape, axis)
	if err != nil {
		e.failErr(name, err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc(name, shape)
	if out == nil {
		return e.placeholder(shape)
	}
	outer, n, inner := nn.SplitAxis(av.shape, axis)
	if outer*inner == 0 {
		return out
	}
	if inner == 1 {
		g, err := perRow(outer, n, 0)
		if err != nil {
			e.fail(name, "shape %v: %v", av.shape, err)
			return e.placeholder(shape)
		}
		e.launch(name, kReduceRows, g, op, av.ptr, out.ptr, int64(outer), int32(n))
		return out
	}
	e.launch(name, kReduceCols, flat(outer*inner), op, av.ptr, out.ptr, int64(outer), int32(n), int64(inner))
	return out
}
