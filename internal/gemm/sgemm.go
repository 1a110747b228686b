package gemm

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// Sgemm computes C = alpha*op(A)*op(B) + beta*C in float32, all matrices
// row-major. op(A) is m x k and op(B) is k x n; C is m x n.
//
// Storage: when transA is false A is stored m x k (element (i,p) at
// a[i*lda+p], lda >= k); when true A is stored k x m (op(A)(i,p) = a[p*lda+i],
// lda >= m). Likewise B is stored k x n (ldb >= n) or, when transB, n x k
// (ldb >= k). C(i,j) is c[i*ldc+j] with ldc >= n. Leading dimensions must be
// at least 1 and each slice must reach its last element: for an r x s stored
// matrix with r, s > 0, len >= (r-1)*ld + s.
//
// As in BLAS, beta == 0 sets C without reading it (NaN or Inf there is
// ignored), and k == 0 or alpha == 0 scales C by beta without reading A or B.
// It panics with a message naming the argument when a precondition fails and
// never otherwise. It uses up to GOMAXPROCS goroutines and is safe for
// concurrent use on distinct outputs.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if err := check(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		panic("gemm: Sgemm: " + err.Error())
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	parallel(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmBatched computes batch independent products
// C_i = alpha*op(A_i)*op(B_i) + beta*C_i for i in [0, batch), where A_i starts
// at a[i*strideA], B_i at b[i*strideB] and C_i at c[i*strideC]; each product
// has the shapes, storage and semantics of Sgemm (for example the batch of
// attention heads: scores_h = Q_h K_h^T with transB). Strides are >= 0; a
// stride of 0 reuses one operand for every product. Output matrices must not
// overlap (strideC large enough), or the result is undefined.
// It panics with a message naming the argument when a precondition fails.
func SgemmBatched(transA, transB bool, batch, m, n, k int, alpha float32, a []float32, strideA int, lda int, b []float32, strideB int, ldb int, beta float32, c []float32, strideC int, ldc int) {
	if err := checkBatched(transA, transB, batch, m, n, k, len(a), strideA, lda, len(b), strideB, ldb, len(c), strideC, ldc); err != nil {
		panic("gemm: SgemmBatched: " + err.Error())
	}
	if batch == 0 || m == 0 || n == 0 {
		return
	}
	one := func(i int, run func(bool, bool, int, int, int, float32, []float32, int, []float32, int, float32, []float32, int)) {
		ci := c[i*strideC:]
		if k == 0 || alpha == 0 {
			scale(m, n, beta, ci, ldc)
			return
		}
		run(transA, transB, m, n, k, alpha, a[i*strideA:], lda, b[i*strideB:], ldb, beta, ci, ldc)
	}
	procs := runtime.GOMAXPROCS(0)
	big := 2*m*n*k >= 8*minFlopsPerGoroutine
	if batch < procs || k == 0 || alpha == 0 || (big && batch%procs != 0) {
		// Few products, or large ones that would not share out evenly: each
		// product uses every core by itself.
		for i := 0; i < batch; i++ {
			one(i, parallel)
		}
		return
	}
	// Many products: one goroutine per core, each taking the next whole
	// product until none is left (a descheduled goroutine holds up only the
	// product it is on).
	var next atomic.Int64
	var wg sync.WaitGroup
	for range procs {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < batch; i = int(next.Add(1) - 1) {
				one(i, serialProduct)
			}
		})
	}
	wg.Wait()
}

// serialProduct is one product on the calling goroutine: vector for
// m == 1 or n == 1, else the packed kernel.
func serialProduct(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 1 || n == 1 {
		vector(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 1)
		return
	}
	serial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// scale sets the m x n matrix C (row stride ldc) to beta*C, or to zero
// without reading it when beta == 0.
func scale(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// check validates Sgemm's arguments, given the slices' lengths.
func check(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) error {
	if m < 0 || n < 0 || k < 0 {
		return fmt.Errorf("negative dimension m=%d n=%d k=%d", m, n, k)
	}
	ra, ca := m, k
	if transA {
		ra, ca = k, m
	}
	rb, cb := k, n
	if transB {
		rb, cb = n, k
	}
	if err := checkMatrix("a", ra, ca, lenA, lda); err != nil {
		return err
	}
	if err := checkMatrix("b", rb, cb, lenB, ldb); err != nil {
		return err
	}
	return checkMatrix("c", m, n, lenC, ldc)
}

// checkMatrix validates the stored rows x cols matrix named name (a, b or c)
// in a slice of length n with leading dimension ld.
func checkMatrix(name string, rows, cols, n, ld int) error {
	if ld < max(1, cols) {
		return fmt.Errorf("ld%s=%d < max(1, %d columns)", name, ld, cols)
	}
	if rows > 0 && cols > 0 && n < (rows-1)*ld+cols {
		return fmt.Errorf("len(%s)=%d < %d for %dx%d with ld %d", name, n, (rows-1)*ld+cols, rows, cols, ld)
	}
	return nil
}

// checkBatched validates SgemmBatched's arguments, given the slices' lengths.
func checkBatched(transA, transB bool, batch, m, n, k, lenA, strideA, lda, lenB, strideB, ldb, lenC, strideC, ldc int) error {
	if batch < 0 {
		return fmt.Errorf("negative batch %d", batch)
	}
	if strideA < 0 || strideB < 0 || strideC < 0 {
		return fmt.Errorf("negative stride strideA=%d strideB=%d strideC=%d", strideA, strideB, strideC)
	}
	if batch == 0 {
		return nil
	}
	last := batch - 1
	return check(transA, transB, m, n, k,
		lenA-last*strideA, lda, lenB-last*strideB, ldb, lenC-last*strideC, ldc)
}
