package gemm

import (
	"sync"

	"gonum.org/v1/gonum/blas/gonum"
)

// vector computes C = alpha*op(A)*op(B) + beta*C when m == 1 or n == 1 (and
// m, n, k > 0, alpha != 0), where the packed 6x16 kernel would waste most of
// its lanes and the packing would double the memory traffic of a product
// that is memory-bound anyway. The vector operand (op(A)'s row or op(B)'s
// column) is gathered once, scaled by alpha; the matrix operand is read along
// its stored rows, as dot products (rows of length k, one per output) or as
// axpys (rows of length outputs, one per k), with gonum's level-1 BLAS (SSE
// assembly on amd64). Outputs are split over up to parts goroutines.
func vector(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int, parts int) {
	v := make([]float32, k)
	var (
		mat      []float32
		ld, outs int
		dots     bool // the matrix's stored rows run along k
		cstride  int
	)
	if m == 1 {
		for p := range v {
			if transA {
				v[p] = alpha * a[p*lda]
			} else {
				v[p] = alpha * a[p]
			}
		}
		mat, ld, outs, dots, cstride = b, ldb, n, transB, 1
	} else {
		for p := range v {
			if transB {
				v[p] = alpha * b[p]
			} else {
				v[p] = alpha * b[p*ldb]
			}
		}
		mat, ld, outs, dots, cstride = a, lda, m, !transA, ldc
	}
	parts = min(parts, 2*outs*k/minFlopsPerGoroutine, outs)
	if parts <= 1 {
		vectorRange(v, mat, ld, dots, 0, outs, beta, c, cstride)
		return
	}
	step := (outs + parts - 1) / parts
	var wg sync.WaitGroup
	for lo := 0; lo < outs; lo += step {
		hi := min(lo+step, outs)
		if hi == outs {
			vectorRange(v, mat, ld, dots, lo, hi, beta, c, cstride)
			break
		}
		wg.Go(func() { vectorRange(v, mat, ld, dots, lo, hi, beta, c, cstride) })
	}
	wg.Wait()
}

// vectorRange computes outputs [lo, hi) of vector: out_o = sum_p v_p M(o,p)
// with M(o,p) = mat[o*ld+p] (dots) or mat[p*ld+o], written to c[o*cstride]
// as out_o + beta*c (beta == 0 never reads C).
func vectorRange(v, mat []float32, ld int, dots bool, lo, hi int, beta float32, c []float32, cstride int) {
	var impl gonum.Implementation
	k := len(v)
	put := func(o int, s float32) {
		if beta == 0 {
			c[o*cstride] = s
		} else {
			c[o*cstride] = s + beta*c[o*cstride]
		}
	}
	if dots {
		for o := lo; o < hi; o++ {
			put(o, impl.Sdot(k, v, 1, mat[o*ld:o*ld+k], 1))
		}
		return
	}
	acc := make([]float32, hi-lo)
	for p, vp := range v {
		impl.Saxpy(hi-lo, vp, mat[p*ld+lo:p*ld+hi], 1, acc, 1)
	}
	for i, s := range acc {
		put(lo+i, s)
	}
}
