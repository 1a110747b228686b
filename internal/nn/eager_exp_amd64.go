//go:build !noasm

package nn

// eagerExpAVX2 sets dst[i] = exp(src[i] - shift) for i < n, n a multiple
// of 8, with AVX2 and FMA, and returns the sum of the results. Accuracy as
// eagerExpf's, except that results under exp(-86.6) (about 2.4e-38) are 0.
//
//go:noescape
func eagerExpAVX2(dst, src *float32, n int, shift float32) (sum float32)

// eagerCPUID executes CPUID with the given leaf and sub-leaf.
func eagerCPUID(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// eagerXGETBV reads the extended control register XCR0.
func eagerXGETBV() (eax, edx uint32)

// eagerHasAVX2FMA reports whether the CPU and the operating system support
// AVX2 and FMA3 (CPUID leaf 1 ECX bits 12, 27, 28; leaf 7 EBX bit 5; XCR0
// bits 1-2).
func eagerHasAVX2FMA() bool {
	maxLeaf, _, _, _ := eagerCPUID(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := eagerCPUID(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := eagerXGETBV(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := eagerCPUID(7, 0)
	return ebx7&(1<<5) != 0
}

// eagerExpShift sets dst[i] = exp(src[i] - shift) and returns the sum of the
// results: with AVX2 (when avx2 is true) eight at a time, the remainder by
// eagerExpf. len(dst) >= len(src).
func eagerExpShift(avx2 bool, dst, src []float32, shift float32) float32 {
	n8 := 0
	var sum float32
	if avx2 && len(src) >= 8 {
		n8 = len(src) &^ 7
		dst = dst[:len(src)]
		sum = eagerExpAVX2(&dst[0], &src[0], n8, shift)
	}
	return sum + eagerExpShiftGo(dst[n8:], src[n8:], shift)
}
