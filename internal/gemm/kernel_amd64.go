//go:build !noasm

package gemm

// kernel6x16AVX2 computes the mr x nr tile C = A_panel * B_panel + beta*C
// with AVX2 and FMA. a is a packed A micro-panel (k steps of mr floats), b a
// packed B micro-panel (k steps of nr floats), c the tile's top-left element
// in row-major storage with row stride ldc (elements). beta == 0 never reads C.
//
//go:noescape
func kernel6x16AVX2(k int, a, b, c *float32, ldc int, beta float32)

// cpuid executes the CPUID instruction with the given leaf and sub-leaf.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv reads the extended control register XCR0.
func xgetbv() (eax, edx uint32)

// hasAVX2FMA reports whether the CPU and the operating system support AVX2 and
// FMA3 (CPUID leaf 1 ECX bits 12, 27, 28; leaf 7 EBX bit 5; XCR0 bits 1-2).
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

// useAsm is fixed at start-up from the CPU's features; it never changes.
var useAsm = hasAVX2FMA()

// kernel runs the fastest micro-kernel this machine supports on a full tile.
func kernel(k int, a, b []float32, c []float32, ldc int, beta float32) {
	if useAsm {
		kernel6x16AVX2(k, &a[0], &b[0], &c[0], ldc, beta)
		return
	}
	kernelGo(k, a, b, c, ldc, beta)
}

// HasAVX2FMA reports whether this build runs the AVX2+FMA assembly: the CPU
// and the operating system support it and the noasm tag is off. It is read
// once at start-up; other packages' vector kernels use it too.
func HasAVX2FMA() bool { return useAsm }

// Kernel names the micro-kernel Sgemm uses on this machine, for reports.
func Kernel() string {
	if useAsm {
		return "amd64 AVX2+FMA 6x16"
	}
	return "pure Go 6x16 (no AVX2+FMA on this CPU)"
}
