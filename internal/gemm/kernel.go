package gemm

// Register tile of the micro-kernel: mr rows of C by nr columns. The packed
// operand layouts (pack.go) follow from it, so every kernel shares it.
const (
	mr = 6
	nr = 16
)

// kernelGo is the portable micro-kernel: the mr x nr tile
// C = A_panel * B_panel + beta*C, where a holds k steps of mr floats (one
// column of the A micro-panel each) and b holds k steps of nr floats (one row
// of the B micro-panel each). c is the tile's top-left element in row-major
// storage with row stride ldc; beta == 0 never reads C.
func kernelGo(k int, a, b []float32, c []float32, ldc int, beta float32) {
	var acc [mr * nr]float32
	a = a[:k*mr]
	b = b[:k*nr]
	for p := 0; p < k; p++ {
		bp := b[p*nr : p*nr+nr : p*nr+nr]
		ap := a[p*mr : p*mr+mr : p*mr+mr]
		for i, ai := range ap {
			row := acc[i*nr : i*nr+nr : i*nr+nr]
			for j, bv := range bp {
				row[j] += ai * bv
			}
		}
	}
	for i := 0; i < mr; i++ {
		dst := c[i*ldc : i*ldc+nr : i*ldc+nr]
		src := acc[i*nr : i*nr+nr : i*nr+nr]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + beta*dst[j]
		}
	}
}

// edgeTile runs the micro-kernel for a partial tile (rows < mr or cols < nr)
// through a scratch tile, then writes the rows x cols corner into C with
// C = tile + beta*C (beta == 0 never reads C).
func edgeTile(k int, a, b []float32, c []float32, ldc int, beta float32, rows, cols int) {
	var tile [mr * nr]float32
	kernel(k, a, b, tile[:], nr, 0)
	for i := 0; i < rows; i++ {
		dst := c[i*ldc : i*ldc+cols : i*ldc+cols]
		src := tile[i*nr : i*nr+cols : i*nr+cols]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + beta*dst[j]
		}
	}
}
