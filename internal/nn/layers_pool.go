package nn

import "gorgonia.org/tensor"

// MeanPool averages x of shape (..., D) along axis (0 <= axis < rank-1, not
// the feature axis) and drops that axis: (T, P, D) along axis 1 gives (T, D).
//
// mask, when not nil, has x's shape without the feature axis ((T, P) for
// the example) and holds weights, normally 0/1: the result is the masked
// mean sum(m*x) / sum(m) along axis. Where sum(m) is 0 (an all-zero mask)
// the result is 0, not NaN. The mask is an input (a constant): it gets no
// gradient.
func MeanPool(e Exec, x V, axis int, mask *tensor.Dense) V {
	if mask == nil {
		return dropAxis(e, e.Mean(x, axis), axis)
	}
	ms := mask.Shape()
	m := e.Reshape(e.Const(mask), append([]int(ms.Clone()), 1)...)
	num := e.Sum(e.Mul(x, m), axis)
	return dropAxis(e, e.Mul(num, e.Const(invCounts(mask, axis))), axis)
}

// invCounts returns 1/sum(mask) along axis (1 where the sum is 0), shaped
// like the mask with that axis of size 1 plus a trailing axis of size 1.
func invCounts(mask *tensor.Dense, axis int) *tensor.Dense {
	s := []int(mask.Shape())
	data, _ := mask.Data().([]float32)
	if axis < 0 || axis >= len(s) || len(data) != prod(s) {
		// A bad axis or mask: the Sum or Mul above records the error;
		// return a harmless constant.
		return filledDense(1, 1)
	}
	outer, n, inner := prod(s[:axis]), s[axis], prod(s[axis+1:])
	inv := make([]float32, outer*inner)
	for o := range outer {
		for i := range inner {
			var sum float64
			for k := range n {
				sum += float64(data[(o*n+k)*inner+i])
			}
			if sum == 0 {
				sum = 1
			}
			inv[o*inner+i] = float32(1 / sum)
		}
	}
	shape := append(append([]int{}, s...), 1)
	shape[axis] = 1
	return newDense(inv, shape...)
}
