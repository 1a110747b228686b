package cuda

import (
	"math"

	"github.com/videodit/videodit/internal/nn"
)

// MatMul multiplies the last two axes: a (m,k) times b (k,n) gives (m,n),
// batched a (B,m,k) times b (B,k,n) gives (B,m,n); transA and transB
// transpose the last two axes of a and b first (a stored (k,m), b stored
// (n,k)). One launch of vd_sgemm (float32) or, with WithTF32,
// vd_sgemm_tf32 covers the whole batch.
func (e *Exec) MatMul(a, b nn.V, transA, transB bool) nn.V {
	av, bv := e.arg("MatMul", a), e.arg("MatMul", b)
	if av == nil || bv == nil {
		return e.placeholder(shapeOf(a))
	}
	as, bs := av.shape, bv.shape
	shape, k, err := nn.MatMulShape(as, bs, transA, transB)
	if err != nil {
		e.failErr("MatMul", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	r := len(as)
	m, n := shape[r-2], shape[r-1]
	batch := 1
	if r == 3 {
		batch = as[0]
	}
	for _, d := range []int{m, n, k, batch} {
		if d > math.MaxInt32 {
			e.fail("MatMul", "shapes %v and %v exceed the kernel's 32-bit sizes", as, bs)
			return e.placeholder(shape)
		}
	}
	out := e.alloc("MatMul", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	if m == 0 || n == 0 || batch == 0 {
		return out
	}
	g, err := gemmGeom(batch, m, n)
	if err != nil {
		e.fail("MatMul", "shapes %v and %v: %v", as, bs, err)
		return e.placeholder(shape)
	}
	kern := kSgemm
	if e.tf32 {
		kern = kSgemmTF32
		g.block[0] = 128
	}
	lda, ldb := as[r-1], bs[r-1]
	sA, sB, sC := int64(0), int64(0), int64(0)
	if r == 3 {
		sA, sB, sC = int64(m*k), int64(k*n), int64(m*n)
	}
	e.launch("MatMul", kern, g, b2i(transA), b2i(transB), int32(m), int32(n), int32(k),
		av.ptr, int32(lda), sA, bv.ptr, int32(ldb), sB, out.ptr, int32(n), sC, int32(batch))
	return out
}

// b2i is a kernel's int flag.
func b2i(b bool) int32 {
	if b {
		return 1
	}
	return 0
}
