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
	if len(av.shape) == 0 {
		e.fail("Softmax", "shape %v has no last axis", av.shape)
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
			eagerSoftmaxRow(out.data[r*n:(r+1)*n], av.data[r*n:(r+1)*n])
		}
	})
	return out
}

// eagerSoftmaxRow sets dst to the softmax of src; dst may be src.
func eagerSoftmaxRow(dst, src []float32) {
	dst = dst[:len(src)]
	m := eagerMaxf(src)
	var s float64
	for i, x := range src {
		y := eagerExpf(x - m)
		dst[i] = y
		s += float64(y)
	}
	inv := float32(1 / s)
	for i := range dst {
		dst[i] *= inv
	}
}
