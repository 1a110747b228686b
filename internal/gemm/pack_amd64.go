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

// transpose16AVX packs blocks*8 steps of a 16-row B panel: for the rows
// src, src+ld, ..., src+15*ld (ld in floats) it writes dst[p*16+j] =
// row j's element p for p < 8*blocks, with 8x8 AVX transposes. It needs AVX.
//
//go:noescape
func transpose16AVX(dst, src *float32, ld, blocks int)

// packRows16 interleaves the kb elements from column p0 of the sixteen
// stored rows j0..j0+15 of b (row stride ldb) into dst: dst[p*16+j] =
// b[(j0+j)*ldb+p0+p].
func packRows16(b []float32, ldb, j0, p0, kb int, dst []float32) {
	blocks := 0
	if useAsm {
		blocks = kb / 8
		if blocks > 0 {
			o := j0*ldb + p0
			_ = b[o+15*ldb+kb-1] // bounds, checked once for the assembly
			_ = dst[16*kb-1]
			transpose16AVX(&dst[0], &b[o], ldb, blocks)
		}
	}
	packRows16Go(b, ldb, j0, p0+8*blocks, kb-8*blocks, dst[16*8*blocks:])
}
