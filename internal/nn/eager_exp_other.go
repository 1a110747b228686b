//go:build !amd64 || noasm

package nn

// eagerExpShift sets dst[i] = exp(src[i] - shift) and returns the sum of the
// results, in pure Go. len(dst) >= len(src).
func eagerExpShift(_ bool, dst, src []float32, shift float32) float32 {
	return eagerExpShiftGo(dst, src, shift)
}

// eagerSigmoidSlice sets dst[i] = sigmoid(src[i]) in pure Go.
func eagerSigmoidSlice(_ bool, dst, src []float32) { eagerSigmoidGo(dst, src) }

// eagerSiLUSlice sets dst[i] = SiLU(src[i]) in pure Go.
func eagerSiLUSlice(_ bool, dst, src []float32) { eagerSiLUGo(dst, src) }

// eagerGELUSlice sets dst[i] = GELU(src[i]) (tanh form) in pure Go.
func eagerGELUSlice(_ bool, dst, src []float32) { eagerGELUGo(dst, src) }

// eagerTanhSlice sets dst[i] = tanh(src[i]) in pure Go.
func eagerTanhSlice(_ bool, dst, src []float32) { eagerTanhGo(dst, src) }

// eagerMaxSlice returns the largest element of row (-Inf when empty, NaN
// when any element is NaN), in pure Go.
func eagerMaxSlice(_ bool, row []float32) float32 { return eagerMaxf(row) }
