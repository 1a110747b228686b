package nn

import "math"

// eagerNegInf returns float32 -Inf.
func eagerNegInf() float32 { return float32(math.Inf(-1)) }

// eagerReduceOp names a reduction along one axis.
type eagerReduceOp int

const (
	eagerSum eagerReduceOp = iota
	eagerMean
	eagerMax
)

// String returns the reduction's Exec method name.
func (op eagerReduceOp) String() string {
	return [...]string{"Sum", "Mean", "Max"}[op]
}

// Sum adds a's elements along axis and keeps it with size 1:
// (N,D) along 1 -> (N,1). Sums accumulate in float64.
func (e *Eager) Sum(a V, axis int) V { return e.reduce(eagerSum, a, axis) }

// Mean averages a's elements along axis, keeping it with size 1.
func (e *Eager) Mean(a V, axis int) V { return e.reduce(eagerMean, a, axis) }

// Max takes the largest of a's elements along axis, keeping it with size 1.
// An axis of size 0 gives -Inf.
func (e *Eager) Max(a V, axis int) V { return e.reduce(eagerMax, a, axis) }

func (e *Eager) reduce(op eagerReduceOp, a V, axis int) V {
	name := op.String()
	av := e.arg(name, a)
	if av == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	shape, err := ReduceShape(av.shape, axis)
	if err != nil {
		e.failErr(name, err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc(shape)
	outer, n, inner := SplitAxis(av.shape, axis)
	src, dst := av.data, out.data
	if inner == 1 {
		e.parallel(outer, eagerRowGrain(n), func(lo, hi int) {
			for o := lo; o < hi; o++ {
				dst[o] = eagerReduceRow(e.avx2, op, src[o*n:(o+1)*n])
			}
		})
		return out
	}
	e.parallel(outer, eagerRowGrain(n*inner), func(lo, hi int) {
		var acc []float64
		if op != eagerMax {
			acc = make([]float64, inner)
		}
		for o := lo; o < hi; o++ {
			block, res := src[o*n*inner:(o+1)*n*inner], dst[o*inner:(o+1)*inner]
			if op == eagerMax {
				eagerMaxRows(res, block, n, inner)
				continue
			}
			clear(acc)
			for j := range n {
				for i, x := range block[j*inner : (j+1)*inner] {
					acc[i] += float64(x)
				}
			}
			scale := 1.0
			if op == eagerMean {
				scale = 1 / float64(n)
			}
			for i, s := range acc {
				res[i] = float32(s * scale)
			}
		}
	})
	return out
}

// eagerReduceRow reduces a contiguous row (Max with AVX2 when avx2 is
// true).
func eagerReduceRow(avx2 bool, op eagerReduceOp, row []float32) float32 {
	if op == eagerMax {
		return eagerMaxSlice(avx2, row)
	}
	s := eagerSum64(row)
	if op == eagerMean {
		s /= float64(len(row))
	}
	return float32(s)
}

// eagerMaxf returns the largest element of row (-Inf for an empty row). A
// NaN element makes the result NaN.
func eagerMaxf(row []float32) float32 {
	m := eagerNegInf()
	for _, x := range row {
		if x != x {
			return x
		}
		if x > m {
			m = x
		}
	}
	return m
}

// eagerMaxRows sets res to the element-wise maximum of the n rows of length
// len(res) held in block.
func eagerMaxRows(res, block []float32, n, inner int) {
	for i := range res {
		res[i] = eagerNegInf()
	}
	for j := range n {
		for i, x := range block[j*inner : (j+1)*inner] {
			if x > res[i] || x != x {
				res[i] = x
			}
		}
	}
}
