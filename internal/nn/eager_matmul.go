package nn

import "gorgonia.org/tensor"

// MatMul multiplies the last two axes: a (m,k) times b (k,n) gives (m,n),
// and batched a (B,m,k) times b (B,k,n) gives (B,m,n). transA and transB
// transpose the last two axes of a and b before the product (a stored
// (k,m), b stored (n,k)). Products go through sgemm; batches are split over
// goroutines.
func (e *Eager) MatMul(a, b V, transA, transB bool) V {
	av, bv := e.arg("MatMul", a), e.arg("MatMul", b)
	if av == nil || bv == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	as, bs := av.shape, bv.shape
	r := len(as)
	ok := (r == 2 || r == 3) && len(bs) == r && (r == 2 || as[0] == bs[0])
	var m, k, k2, n int
	if len(as) >= 2 {
		m, k = as[len(as)-2], as[len(as)-1]
		if transA {
			m, k = k, m
		}
	}
	if len(bs) >= 2 {
		k2, n = bs[len(bs)-2], bs[len(bs)-1]
		if transB {
			k2, n = n, k2
		}
	}
	shape := tensor.Shape{m, n}
	if r == 3 {
		shape = tensor.Shape{as[0], m, n}
	}
	if !ok || k != k2 {
		e.fail("MatMul", "shapes %v and %v (transA=%v, transB=%v) do not multiply", as, bs, transA, transB)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc(shape)
	lda, ldb := as[r-1], bs[r-1]
	if r == 2 {
		sgemm(transA, transB, m, n, k, 1, av.data, lda, bv.data, ldb, 0, out.data, n)
		return out
	}
	batches := as[0]
	sa, sb, sc := m*k, k*n, m*n
	e.parallel(batches, max(1, (eagerGrain*8)/max(1, m*n*k)), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sgemm(transA, transB, m, n, k, 1, av.data[i*sa:], lda, bv.data[i*sb:], ldb, 0, out.data[i*sc:], n)
		}
	})
	return out
}
