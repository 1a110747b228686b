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
// storage with row stride ldc; beta == 0 never reads C. It walks the tile in
// 3 x 2 blocks whose six accumulators stay in registers.
func kernelGo(k int, a, b []float32, c []float32, ldc int, beta float32) {
	a = a[:k*mr]
	b = b[:k*nr]
	for i := 0; i < mr; i += 3 {
		for j := 0; j < nr; j += 2 {
			var c00, c01, c10, c11, c20, c21 float32
			for p := 0; p < k; p++ {
				ap := a[p*mr+i : p*mr+i+3 : p*mr+i+3]
				bp := b[p*nr+j : p*nr+j+2 : p*nr+j+2]
				b0, b1 := bp[0], bp[1]
				a0 := ap[0]
				c00 += a0 * b0
				c01 += a0 * b1
				a1 := ap[1]
				c10 += a1 * b0
				c11 += a1 * b1
				a2 := ap[2]
				c20 += a2 * b0
				c21 += a2 * b1
			}
			r0 := c[i*ldc+j : i*ldc+j+2 : i*ldc+j+2]
			r1 := c[(i+1)*ldc+j : (i+1)*ldc+j+2 : (i+1)*ldc+j+2]
			r2 := c[(i+2)*ldc+j : (i+2)*ldc+j+2 : (i+2)*ldc+j+2]
			if beta == 0 {
				r0[0], r0[1] = c00, c01
				r1[0], r1[1] = c10, c11
				r2[0], r2[1] = c20, c21
				continue
			}
			r0[0], r0[1] = c00+beta*r0[0], c01+beta*r0[1]
			r1[0], r1[1] = c10+beta*r1[0], c11+beta*r1[1]
			r2[0], r2[1] = c20+beta*r2[0], c21+beta*r2[1]
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
