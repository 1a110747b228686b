package gemm

import "sync"

// Cache blocking (BLIS-style loops around the micro-kernel): a kc x nc block
// of packed B stays in the L3 cache, an mc x kc block of packed A in the L2
// cache and one kc x nr micro-panel of B in the L1 cache while the micro-kernel
// sweeps the A block. Sized for Zen 3 (32 KiB L1d, 512 KiB L2 per core); mc is
// a multiple of mr and nc of nr.
const (
	kc = 256
	mc = 144
	nc = 4080
)

// workspace holds one goroutine's packing buffers.
type workspace struct {
	a, b []float32
}

// workspaces recycles packing buffers between calls so that a steady stream
// of products does not allocate; it holds no results.
var workspaces = sync.Pool{New: func() any { return new(workspace) }}

// grow returns s resized to n elements, reallocating only when too small.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// serial computes C = alpha*op(A)*op(B) + beta*C on one goroutine, with
// m, n, k > 0 and alpha != 0 (the caller handles the degenerate cases).
// Shapes and strides are as in Sgemm.
func serial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ws := workspaces.Get().(*workspace)
	defer workspaces.Put(ws)
	kcb := min(kc, k)
	ws.a = grow(ws.a, roundUp(min(mc, m), mr)*kcb)
	ws.b = grow(ws.b, roundUp(min(nc, n), nr)*kcb)
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(transB, b, ldb, pc, jc, kb, nb, ws.b)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				packA(transA, a, lda, ic, pc, mb, kb, alpha, ws.a)
				macroKernel(mb, nb, kb, ws.a, ws.b, c[ic*ldc+jc:], ldc, bet)
			}
		}
	}
}

// macroKernel multiplies a packed mb x kb block of A by a packed kb x nb block
// of B into the mb x nb block of C at c (row stride ldc): C = AB + beta*C.
func macroKernel(mb, nb, kb int, pa, pb []float32, c []float32, ldc int, beta float32) {
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		bp := pb[jr*kb : jr*kb+nr*kb]
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			ap := pa[ir*kb : ir*kb+mr*kb]
			ct := c[ir*ldc+jr:]
			if rows == mr && cols == nr {
				kernel(kb, ap, bp, ct[:(mr-1)*ldc+nr], ldc, beta)
				continue
			}
			edgeTile(kb, ap, bp, ct, ldc, beta, rows, cols)
		}
	}
}

// roundUp rounds x up to a multiple of q.
func roundUp(x, q int) int { return (x + q - 1) / q * q }
