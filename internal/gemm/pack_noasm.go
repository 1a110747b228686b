//go:build !amd64 || noasm

package gemm

// copyPanels copies n runs of nr floats: src[i*nr:(i+1)*nr] to
// dst[i*stride:i*stride+nr]; it scatters one row of op(B) into n B panels.
func copyPanels(dst []float32, stride int, src []float32, n int) {
	for i := range n {
		copy16(dst[i*stride:], src[i*nr:])
	}
}

// copy16 copies 16 floats from src to dst element by element: the compiler
// keeps this inline where copy or an array assignment would call memmove.
func copy16(dst, src []float32) {
	d := dst[:16:16]
	s := src[:16:16]
	d[0], d[1], d[2], d[3] = s[0], s[1], s[2], s[3]
	d[4], d[5], d[6], d[7] = s[4], s[5], s[6], s[7]
	d[8], d[9], d[10], d[11] = s[8], s[9], s[10], s[11]
	d[12], d[13], d[14], d[15] = s[12], s[13], s[14], s[15]
}

// packRows16 interleaves the kb elements from column p0 of the sixteen
// stored rows j0..j0+15 of b (row stride ldb) into dst: dst[p*16+j] =
// b[(j0+j)*ldb+p0+p].
func packRows16(b []float32, ldb, j0, p0, kb int, dst []float32) {
	packRows16Go(b, ldb, j0, p0, kb, dst)
}
