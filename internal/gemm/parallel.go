package gemm

import (
	"runtime"
	"sync"
)

// minFlopsPerGoroutine keeps small products on one goroutine, where starting
// another would cost more than it saves.
const minFlopsPerGoroutine = 1 << 21

// parallel computes C = alpha*op(A)*op(B) + beta*C (m, n, k > 0, alpha != 0)
// on up to GOMAXPROCS goroutines. It cuts C into independent slabs along its
// longer side (rows in multiples of mr, or columns in multiples of nr), so the
// slabs share no output and each goroutine packs its own operands.
func parallel(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	parts := runtime.GOMAXPROCS(0)
	if m == 1 || n == 1 {
		vector(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, parts)
		return
	}
	if f := 2 * m * n * k / minFlopsPerGoroutine; f < parts {
		parts = f
	}
	byRows := m >= n
	if byRows {
		parts = min(parts, (m+mr-1)/mr)
	} else {
		parts = min(parts, (n+nr-1)/nr)
	}
	if parts <= 1 {
		serial(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if byRows {
		step := roundUp((m+parts-1)/parts, mr)
		for i0 := 0; i0 < m; i0 += step {
			rows := min(step, m-i0)
			as := a[i0:] // A stored k x m: column i0
			if !transA {
				as = a[i0*lda:]
			}
			slab := func() {
				serial(transA, transB, rows, n, k, alpha, as, lda, b, ldb, beta, c[i0*ldc:], ldc)
			}
			if i0+step >= m {
				slab() // the last slab runs on the calling goroutine
				break
			}
			wg.Go(slab)
		}
	} else {
		step := roundUp((n+parts-1)/parts, nr)
		for j0 := 0; j0 < n; j0 += step {
			cols := min(step, n-j0)
			bs := b[j0:] // B stored k x n: column j0
			if transB {
				bs = b[j0*ldb:]
			}
			slab := func() {
				serial(transA, transB, m, cols, k, alpha, a, lda, bs, ldb, beta, c[j0:], ldc)
			}
			if j0+step >= n {
				slab() // the last slab runs on the calling goroutine
				break
			}
			wg.Go(slab)
		}
	}
	wg.Wait()
}
