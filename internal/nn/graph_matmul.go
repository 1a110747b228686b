package nn

import (
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/gemm"
)

// MatMul multiplies the last two axes: (m,k)x(k,n) -> (m,n), or batched
// (B,m,k)x(B,k,n) -> (B,m,n). transA and transB transpose the last two axes
// of a and b before the product (a is then stored (k,m) or (B,k,m), b (n,k)
// or (B,n,k)); no transposed copy is made. The product runs through sgemm,
// the project's AVX2+FMA GEMM, like the eager executor's (no process-wide
// BLAS registration is needed); a batch goes to gemm.SgemmBatched, which
// shares the products out over the cores (each product is computed by one
// goroutine in a fixed order, so the result does not depend on scheduling). The gradients are themselves MatMul nodes:
// for C = op(A) op(B) with upstream gradient G,
// dA = G op(B)^T (stored as op(A)) and dB = op(A)^T G (stored as op(B)).
func (g *Graph) MatMul(a, b V, transA, transB bool) (ret V) {
	as, bs := gShapeOf(a), gShapeOf(b)
	shape, shapeErr := gMatMulShape(as, bs, transA, transB)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("MatMul", &ret, shape)
	ns, ok := g.val("MatMul", a, b)
	if !ok {
		return g.placeholder(shape)
	}
	if shapeErr != "" {
		g.setErr("MatMul", "shapes %v and %v (transA %t, transB %t): %s", gFmtShape(as), gFmtShape(bs), transA, transB, shapeErr)
		return g.placeholder(shape)
	}
	return g.matmul(ns[0], ns[1], transA, transB)
}

// gMatMulShape returns the result shape, or a plausible one and a reason.
func gMatMulShape(as, bs tensor.Shape, transA, transB bool) (tensor.Shape, string) {
	if len(as) < 2 || len(as) > 3 || len(as) != len(bs) {
		return tensor.Shape{1, 1}, "want two 2-D or two 3-D values"
	}
	r := len(as)
	m, k := as[r-2], as[r-1]
	if transA {
		m, k = k, m
	}
	k2, n := bs[r-2], bs[r-1]
	if transB {
		k2, n = n, k2
	}
	var shape tensor.Shape
	if r == 3 {
		shape = tensor.Shape{as[0], m, n}
	} else {
		shape = tensor.Shape{m, n}
	}
	switch {
	case k != k2:
		return shape, "inner dimensions differ"
	case r == 3 && as[0] != bs[0]:
		return shape, "batch sizes differ"
	}
	return shape, ""
}

// matmul adds the product node; shapes are already checked.
func (g *Graph) matmul(a, b *gnode, transA, transB bool) *gnode {
	as, bs := a.shape.Clone(), b.shape.Clone()
	out, _ := gMatMulShape(as, bs, transA, transB)
	r := len(as)
	batch := 1
	if r == 3 {
		batch = as[0]
	}
	m, n := out[r-2], out[r-1]
	k := as[r-1]
	if transA {
		k = as[r-2]
	}
	lda, ldb := as[r-1], bs[r-1]
	kern := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(out)
		o, xs, ys := gData(res), gData(in[0]), gData(in[1])
		if m == 0 || n == 0 || k == 0 {
			return res, nil // an empty product is zero
		}
		if batch == 1 {
			sgemm(transA, transB, m, n, k, 1, xs, lda, ys, ldb, 0, o, n)
			return res, nil
		}
		gemm.SgemmBatched(transA, transB, batch, m, n, k, 1, xs, m*k, lda, ys, k*n, ldb, 0, o, m*n, n)
		return res, nil
	}
	back := func(gout *gnode, need []bool) []*gnode {
		grads := make([]*gnode, 2)
		if need[0] {
			switch {
			case !transA && !transB: // dA = G B^T
				grads[0] = g.matmul(gout, b, false, true)
			case !transA && transB: // dA = G B
				grads[0] = g.matmul(gout, b, false, false)
			case transA && !transB: // dA (k,m) = B G^T
				grads[0] = g.matmul(b, gout, false, true)
			default: // dA (k,m) = B^T G^T
				grads[0] = g.matmul(b, gout, true, true)
			}
		}
		if need[1] {
			switch {
			case !transA && !transB: // dB = A^T G
				grads[1] = g.matmul(a, gout, true, false)
			case !transA && transB: // dB (n,k) = G^T A
				grads[1] = g.matmul(gout, a, true, false)
			case transA && !transB: // dB = A G
				grads[1] = g.matmul(a, gout, false, false)
			default: // dB (n,k) = G^T A^T
				grads[1] = g.matmul(gout, a, true, true)
			}
		}
		return grads
	}
	return g.apply("MatMul", out, kern, back, a, b)
}
