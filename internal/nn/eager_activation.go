package nn

// GELU returns the tanh form of GELU element-wise (same shape as a):
// 0.5 a (1 + tanh(sqrt(2/pi) (a + 0.044715 a^3))).
func (e *Eager) GELU(a V) V {
	return e.unary("GELU", a, func(dst, src []float32) { eagerGELUSlice(e.avx2, dst, src) })
}

// SiLU returns a * sigmoid(a) element-wise (same shape as a).
func (e *Eager) SiLU(a V) V {
	return e.unary("SiLU", a, func(dst, src []float32) { eagerSiLUSlice(e.avx2, dst, src) })
}
