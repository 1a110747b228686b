//go:build !amd64 || noasm

package nn

// eagerHasAVX2FMA reports false: this build has no assembly kernels.
func eagerHasAVX2FMA() bool { return false }

// eagerExpShift sets dst[i] = exp(src[i] - shift) and returns the sum of the
// results, in pure Go. len(dst) >= len(src).
func eagerExpShift(_ bool, dst, src []float32, shift float32) float32 {
	return eagerExpShiftGo(dst, src, shift)
}
