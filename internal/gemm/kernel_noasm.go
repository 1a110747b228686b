//go:build !amd64 || noasm

package gemm

// kernel runs the pure-Go micro-kernel: on this architecture, or with the
// noasm build tag, there is no assembly.
func kernel(k int, a, b []float32, c []float32, ldc int, beta float32) {
	kernelGo(k, a, b, c, ldc, beta)
}

// HasAVX2FMA reports false: this build has no assembly.
func HasAVX2FMA() bool { return false }

// Kernel names the micro-kernel Sgemm uses on this machine, for reports.
func Kernel() string { return "pure Go 6x16" }
