package gemm

// packA copies the mb x kb block of op(A) starting at row i0, column p0 into
// dst as ceil(mb/mr) micro-panels, each kb steps of mr floats (column p of the
// panel's rows), scaled by alpha; rows past mb are zero. op(A) is A (row-major,
// element (i,p) at a[i*lda+p]) or, when trans, A^T (element (i,p) at
// a[p*lda+i]).
func packA(trans bool, a []float32, lda, i0, p0, mb, kb int, alpha float32, dst []float32) {
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		panel := dst[ir*kb : ir*kb+mr*kb]
		if rows < mr {
			clear(panel)
		}
		if trans {
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+i0+ir:]
				src = src[:rows:rows]
				out := panel[p*mr : p*mr+rows : p*mr+rows]
				for r, v := range src {
					out[r] = alpha * v
				}
			}
			continue
		}
		for r := 0; r < rows; r++ {
			src := a[(i0+ir+r)*lda+p0:]
			src = src[:kb:kb]
			out := panel[r:]
			for p, v := range src {
				out[p*mr] = alpha * v
			}
		}
	}
}

// packB copies the kb x nb block of op(B) starting at row p0, column j0 into
// dst as ceil(nb/nr) micro-panels, each kb steps of nr floats (row p of the
// panel's columns); columns past nb are zero. op(B) is B (row-major, element
// (p,j) at b[p*ldb+j]) or, when trans, B^T (element (p,j) at b[j*ldb+p]).
func packB(trans bool, b []float32, ldb, p0, j0, kb, nb int, dst []float32) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		panel := dst[jr*kb : jr*kb+nr*kb]
		if cols < nr {
			clear(panel)
		}
		if trans {
			for j := 0; j < cols; j++ {
				src := b[(j0+jr+j)*ldb+p0:]
				src = src[:kb:kb]
				out := panel[j:]
				for p, v := range src {
					out[p*nr] = v
				}
			}
			continue
		}
		for p := 0; p < kb; p++ {
			src := b[(p0+p)*ldb+j0+jr:]
			copy(panel[p*nr:p*nr+cols], src[:cols])
		}
	}
}
