package tensorblas

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/gemm"
)

// Implementation is gonum's BLAS with Sgemm replaced by gemm.Sgemm.
type Implementation struct {
	gonum.Implementation
}

var _ tensor.BLAS = Implementation{}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major float32
// matrices (op(A) m x k, op(B) k x n, C m x n) with gemm.Sgemm. Like every
// BLAS it panics on invalid arguments (here, an unknown transpose flag or
// inconsistent sizes and strides).
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm.Sgemm(transposed(tA), transposed(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// transposed maps a BLAS transpose flag to gemm's (ConjTrans is Trans for
// real matrices).
func transposed(t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic("tensorblas: Sgemm: bad transpose flag " + string(rune(t)))
}

// Use makes gorgonia.org/tensor run its float32 matrix products (Dense MatMul,
// gorgonia's Mul of matrices and their gradients) on Implementation, and
// returns the BLAS it replaced, to hand back to tensor.Use to undo it. The
// setting is process-wide (tensor keeps one BLAS): call it once at program
// start, not concurrently with running graphs.
func Use() (previous tensor.BLAS) {
	previous = tensor.WhichBLAS()
	tensor.Use(Implementation{})
	return previous
}
