//go:build !noasm

package nn

import "math"

// eagerExpAVX2 sets dst[i] = exp(src[i] - shift) for i < n, n a multiple
// of 8, with AVX2 and FMA, and returns the sum of the results. Accuracy as
// eagerExpf's, except that results under exp(-86.6) (about 2.4e-38) are 0.
//
//go:noescape
func eagerExpAVX2(dst, src *float32, n int, shift float32) (sum float32)

// Modes of eagerSigmoidAVX2.
const (
	eagerModeSigmoid = 0 // sigmoid(x)
	eagerModeSiLU    = 1 // x sigmoid(x)
	eagerModeGELU    = 2 // x sigmoid(x (eagerGELUK0 + eagerGELUK1 x**2))
)

// eagerSigmoidAVX2 sets dst[i] for i < n, n a multiple of 8, to the
// function of src[i] that mode selects, computed as eagerSigmoidf,
// eagerSiLUf and eagerGELUf do, eight lanes at a time.
//
//go:noescape
func eagerSigmoidAVX2(dst, src *float32, n int, mode int)

// eagerTanhAVX2 sets dst[i] = tanh(src[i]) for i < n, n a multiple of 8,
// as eagerTanhf does, eight lanes at a time.
//
//go:noescape
func eagerTanhAVX2(dst, src *float32, n int)

// eagerMaxAVX2 returns the largest of src[:n], n a positive multiple of
// 8, and whether any of them is NaN.
//
//go:noescape
func eagerMaxAVX2(src *float32, n int) (m float32, nan bool)

// eagerVecLen returns how many leading elements of a slice of length n the
// AVX2 kernels handle: n rounded down to a multiple of 8, or 0 without
// AVX2.
func eagerVecLen(avx2 bool, n int) int {
	if !avx2 {
		return 0
	}
	return n &^ 7
}

// eagerExpShift sets dst[i] = exp(src[i] - shift) and returns the sum of the
// results: with AVX2 (when avx2 is true) eight at a time, the remainder by
// eagerExpf. len(dst) >= len(src).
func eagerExpShift(avx2 bool, dst, src []float32, shift float32) float32 {
	var sum float32
	n8 := eagerVecLen(avx2, len(src))
	if n8 > 0 {
		dst = dst[:len(src)]
		sum = eagerExpAVX2(&dst[0], &src[0], n8, shift)
	}
	return sum + eagerExpShiftGo(dst[n8:], src[n8:], shift)
}

// eagerSigmoidMode runs eagerSigmoidAVX2 on the leading multiple of 8 of
// src and returns where the Go tail starts.
func eagerSigmoidMode(avx2 bool, mode int, dst, src []float32) int {
	n8 := eagerVecLen(avx2, len(src))
	if n8 > 0 {
		dst = dst[:len(src)]
		eagerSigmoidAVX2(&dst[0], &src[0], n8, mode)
	}
	return n8
}

// eagerSigmoidSlice sets dst[i] = sigmoid(src[i]).
func eagerSigmoidSlice(avx2 bool, dst, src []float32) {
	n8 := eagerSigmoidMode(avx2, eagerModeSigmoid, dst, src)
	eagerSigmoidGo(dst[n8:], src[n8:])
}

// eagerSiLUSlice sets dst[i] = src[i] sigmoid(src[i]).
func eagerSiLUSlice(avx2 bool, dst, src []float32) {
	n8 := eagerSigmoidMode(avx2, eagerModeSiLU, dst, src)
	eagerSiLUGo(dst[n8:], src[n8:])
}

// eagerGELUSlice sets dst[i] = GELU(src[i]), tanh form.
func eagerGELUSlice(avx2 bool, dst, src []float32) {
	n8 := eagerSigmoidMode(avx2, eagerModeGELU, dst, src)
	eagerGELUGo(dst[n8:], src[n8:])
}

// eagerTanhSlice sets dst[i] = tanh(src[i]).
func eagerTanhSlice(avx2 bool, dst, src []float32) {
	n8 := eagerVecLen(avx2, len(src))
	if n8 > 0 {
		dst = dst[:len(src)]
		eagerTanhAVX2(&dst[0], &src[0], n8)
	}
	eagerTanhGo(dst[n8:], src[n8:])
}

// eagerMaxSlice returns the largest element of row (-Inf when empty, NaN
// when any element is NaN), eight at a time with AVX2.
func eagerMaxSlice(avx2 bool, row []float32) float32 {
	n8 := eagerVecLen(avx2, len(row))
	if n8 == 0 {
		return eagerMaxf(row)
	}
	m, nan := eagerMaxAVX2(&row[0], n8)
	if nan {
		return float32(math.NaN())
	}
	return max(m, eagerMaxf(row[n8:]))
}
