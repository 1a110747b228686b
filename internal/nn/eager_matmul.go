package nn

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
	shape, k, err := MatMulShape(as, bs, transA, transB)
	if err != nil {
		e.failErr("MatMul", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	r := len(as)
	m, n := shape[r-2], shape[r-1]
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
