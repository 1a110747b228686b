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
		if rows == mr {
			packRows6(a, lda, i0+ir, p0, kb, alpha, panel)
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

// packRows6 interleaves the kb elements from column p0 of the six stored
// rows i0..i0+5 of a (row stride lda) into dst, scaled by alpha: dst[p*6+r] =
// alpha*a[(i0+r)*lda+p0+p]. It reads the six rows as parallel streams and
// writes dst in order.
func packRows6(a []float32, lda, i0, p0, kb int, alpha float32, dst []float32) {
	base := i0*lda + p0
	r0 := a[base : base+kb]
	r1 := a[base+lda : base+lda+kb]
	r2 := a[base+2*lda : base+2*lda+kb]
	r3 := a[base+3*lda : base+3*lda+kb]
	r4 := a[base+4*lda : base+4*lda+kb]
	r5 := a[base+5*lda : base+5*lda+kb]
	dst = dst[:6*kb]
	for p := range r0 {
		o := (*[6]float32)(dst[6*p:])
		o[0] = alpha * r0[p]
		o[1] = alpha * r1[p]
		o[2] = alpha * r2[p]
		o[3] = alpha * r3[p]
		o[4] = alpha * r4[p]
		o[5] = alpha * r5[p]
	}
}

// packB copies the kb x nb block of op(B) starting at row p0, column j0 into
// dst as ceil(nb/nr) micro-panels, each kb steps of nr floats (row p of the
// panel's columns); columns past nb are zero. op(B) is B (row-major, element
// (p,j) at b[p*ldb+j]) or, when trans, B^T (element (p,j) at b[j*ldb+p]).
// Both cases read B along its stored rows, so the hardware prefetcher streams
// it from memory.
func packB(trans bool, b []float32, ldb, p0, j0, kb, nb int, dst []float32) {
	full := nb / nr * nr
	if full < nb {
		clear(dst[full*kb : full*kb+nr*kb])
	}
	if trans {
		for jr := 0; jr < nb; jr += nr {
			panel := dst[jr*kb : jr*kb+nr*kb]
			if jr+nr <= nb {
				packRows16(b, ldb, j0+jr, p0, kb, panel)
				continue
			}
			for j := 0; j < nb-jr; j++ {
				src := b[(j0+jr+j)*ldb+p0:]
				src = src[:kb:kb]
				out := panel[j:]
				for p, v := range src {
					out[p*nr] = v
				}
			}
		}
		return
	}
	for p := 0; p < kb; p++ {
		src := b[(p0+p)*ldb+j0:]
		src = src[:nb:nb]
		copyPanels(dst[p*nr:], kb*nr, src, full/nr)
		if full < nb {
			copy(dst[full*kb+p*nr:], src[full:])
		}
	}
}

// packRows16Go is packRows16 in Go: it reads the sixteen rows as parallel
// streams and writes dst in order.
func packRows16Go(b []float32, ldb, j0, p0, kb int, dst []float32) {
	if kb == 0 {
		return
	}
	var rows [16][]float32
	for j := range rows {
		o := (j0+j)*ldb + p0
		rows[j] = b[o : o+kb : o+kb]
	}
	r0, r1, r2, r3 := rows[0], rows[1], rows[2], rows[3]
	r4, r5, r6, r7 := rows[4], rows[5], rows[6], rows[7]
	r8, r9, r10, r11 := rows[8], rows[9], rows[10], rows[11]
	r12, r13, r14, r15 := rows[12], rows[13], rows[14], rows[15]
	dst = dst[:16*kb]
	for p := range r0 {
		o := dst[16*p : 16*p+16 : 16*p+16]
		o[0], o[1], o[2], o[3] = r0[p], r1[p], r2[p], r3[p]
		o[4], o[5], o[6], o[7] = r4[p], r5[p], r6[p], r7[p]
		o[8], o[9], o[10], o[11] = r8[p], r9[p], r10[p], r11[p]
		o[12], o[13], o[14], o[15] = r12[p], r13[p], r14[p], r15[p]
	}
}
