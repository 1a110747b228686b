package nn

// Softmax returns softmax along the last axis of a (any rank >= 1, same
// shape out): out = exp(a - max) / sum(exp(a - max)) per row, in one call
// with each row kept in cache. A row of all -Inf gives NaN, as the composed
// form does.
func (e *Eager) Softmax(a V) V {
	av := e.arg("Softmax", a)
	if av == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	if err := SoftmaxCheck(av.shape); err != nil {
		e.failErr("Softmax", err)
		return e.placeholder(av.shape)
	}
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	out := e.alloc(av.shape)
	n := av.shape[len(av.shape)-1]
	if n == 0 {
		return out
	}
	rows := len(out.data) / n
	e.parallel(rows, eagerRowGrain(n), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			eagerSoftmaxRow(e.avx2, out.data[r*n:(r+1)*n], av.data[r*n:(r+1)*n])
		}
	})
	return out
}

// eagerSoftmaxRow sets dst to the softmax of src; dst may be src.
func eagerSoftmaxRow(avx2 bool, dst, src []float32) {
	dst = dst[:len(src)]
	m := eagerMaxSlice(avx2, src)
	inv := 1 / eagerExpShift(avx2, dst, src, m)
	for i := range dst {
		dst[i] *= inv
	}
}
