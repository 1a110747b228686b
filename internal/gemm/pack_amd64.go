//go:build !noasm

package gemm

// copyPanelsSSE copies n runs of 16 floats, run i from src+16i to
// dst+i*dstStride (strides in floats), with SSE moves (baseline amd64).
//
//go:noescape
func copyPanelsSSE(dst *float32, dstStride int, src *float32, n int)

// copyPanels copies n runs of nr floats: src[i*nr:(i+1)*nr] to
// dst[i*stride:i*stride+nr]; it scatters one row of op(B) into n B panels.
func copyPanels(dst []float32, stride int, src []float32, n int) {
	if n == 0 {
		return
	}
	_ = dst[(n-1)*stride+nr-1] // bounds, checked once for the assembly
	_ = src[n*nr-1]
	copyPanelsSSE(&dst[0], stride, &src[0], n)
}
