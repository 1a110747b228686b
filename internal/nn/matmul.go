package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major float32
// matrices, where op(A) is (m,k) (A stored (k,m) when transA), op(B) is
// (k,n) (B stored (n,k) when transB) and C is (m,n); lda, ldb and ldc are the
// row strides of the stored matrices. Every matrix product of the eager
// executor goes through it. For now it calls gonum's blas32; the assembly
// GEMM of internal/gemm will replace its body.
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
	tA, tB := blas.NoTrans, blas.NoTrans
	if transA {
		tA = blas.Trans
	}
	if transB {
		tB = blas.Trans
	}
	blas32.Implementation().Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
