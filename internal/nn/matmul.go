package nn

import "github.com/videodit/videodit/internal/gemm"

// sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major float32
// matrices, where op(A) is (m,k) (A stored (k,m) when transA), op(B) is
// (k,n) (B stored (n,k) when transB) and C is (m,n); lda, ldb and ldc are the
// row strides of the stored matrices. Every matrix product of the eager
// executor goes through it; it runs the project's blocked AVX2+FMA GEMM
// (package internal/gemm, pure Go on other CPUs), which uses up to
// GOMAXPROCS goroutines for large products. Empty products (m, n or k of 0,
// where a leading dimension may be 0) are handled here: C is only scaled.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
				continue
			}
			for j := range row {
				row[j] *= beta
			}
		}
		return
	}
	gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
