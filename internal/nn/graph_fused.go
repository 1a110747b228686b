package nn

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/gemm"
)

// The graph executor's fused abilities. Each is one node with its own
// kernel, and its gradient is given by nodes whose kernels implement the
// closed-form derivative (first order only: the gradient nodes themselves
// have no gradient). They match the composed forms of layers.go within
// float32 rounding; the conformance suite checks both paths.

var (
	_ Softmaxer   = (*Graph)(nil)
	_ LayerNormer = (*Graph)(nil)
	_ RMSNormer   = (*Graph)(nil)
	_ Activator   = (*Graph)(nil)
	_ Attender    = (*Graph)(nil)
)

// GELU returns the tanh form 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
// x^3))) element-wise; a has any shape.
func (g *Graph) GELU(a V) V { return g.unaryOp(gGELU, a) }

// SiLU returns a * sigmoid(a) element-wise; a has any shape. It runs the
// eager executor's float32 sigmoid kernels (AVX2+FMA where the CPU has them,
// see eagerSiLUSlice), split into chunks at multiples of 8 elements, so
// every element takes the same vector or scalar path whatever the number of
// goroutines. Its gradient is one fused node computing
// gout * s (1 + a (1 - s)) with s = sigmoid(a).
func (g *Graph) SiLU(a V) (ret V) {
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("SiLU", &ret, shape)
	ns, ok := g.val("SiLU", a)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	avx2 := gemm.HasAVX2FMA()
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o, xs := gData(out), gData(in[0])
		err := gParallel8(len(o), func(lo, hi int) {
			eagerSiLUSlice(avx2, o[lo:hi], xs[lo:hi])
		})
		return out, err
	}
	back := func(gout *gnode, _ []bool) []*gnode {
		gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
			out := gZeros(in[0].Shape())
			o, xs, gs := gData(out), gData(in[0]), gData(in[1])
			err := gParallel8(len(o), func(lo, hi int) {
				eagerSigmoidSlice(avx2, o[lo:hi], xs[lo:hi])
				for i := lo; i < hi; i++ {
					s := o[i]
					o[i] = gs[i] * s * (1 + xs[i]*(1-s))
				}
			})
			return out, err
		}
		return []*gnode{g.apply("SiLUGrad", x.shape, gk, nil, x, gout)}
	}
	return g.apply("SiLU", x.shape, k, back, x)
}

// geluTanh returns GELU(x) and its derivative, in float64.
func geluTanh(x float64) (y, dy float64) {
	const c = 0.7978845608028654 // sqrt(2/pi)
	u := c * (x + 0.044715*x*x*x)
	t := gFastTanh(u)
	y = 0.5 * x * (1 + t)
	dy = 0.5*(1+t) + 0.5*x*(1-t*t)*c*(1+3*0.044715*x*x)
	return y, dy
}

// sigmoid64 is an overflow-free logistic function.
func sigmoid64(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + gFastExp(-x))
	}
	e := gFastExp(x)
	return e / (1 + e)
}

// rowsOf returns the number of rows and the row length of a value reduced
// over its last axis.
func rowsOf(s tensor.Shape) (rows, d int) {
	d = s[len(s)-1]
	return s.TotalSize() / d, d
}

// Softmax returns exp(a) / sum(exp(a)) along the last axis of a (any rank
// >= 1), stabilised by the row maximum; the result has a's shape. Its
// gradient is y * (g - sum(g*y)) along the axis.
func (g *Graph) Softmax(a V) (ret V) {
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Softmax", &ret, shape)
	ns, ok := g.val("Softmax", a)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	if len(x.shape) == 0 {
		g.setErr("Softmax", "shape () has no last axis")
		return g.placeholder(shape)
	}
	return g.softmax(x)
}

// softmax adds the fused softmax node over the last axis.
func (g *Graph) softmax(x *gnode) *gnode { return g.scaledSoftmax(x, nil, 1) }

// scaledSoftmax adds one node computing softmax(scale*x + bias) over the
// last axis of x. bias is nil or has x's node shape with leading dimensions
// possibly 1 (broadcast over them, e.g. (1,Lq,Lk) against (B,Lq,Lk)); its
// last two dimensions equal x's. With z = scale*x + bias and y = softmax(z),
// dz = y * (g - sum(g*y)) along the row, dx = scale*dz and dbias = dz summed
// over the broadcast axes.
func (g *Graph) scaledSoftmax(x, bias *gnode, scale float32) *gnode {
	rows, d := rowsOf(x.shape)
	var brows int // rows of bias; row r of x uses bias row r % brows
	in := []*gnode{x}
	if bias != nil {
		brows, _ = rowsOf(bias.n.Shape())
		in = append(in, bias)
	}
	sc := float64(scale)
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o, xs := gData(out), gData(in[0])
		var bs []float32
		if len(in) == 2 {
			bs = gData(in[1])
		}
		err := gParallel(rows, rows*d, func(lo, hi int) {
			z := make([]float64, d)
			for r := lo; r < hi; r++ {
				row, dst := xs[r*d:(r+1)*d], o[r*d:(r+1)*d]
				m := math.Inf(-1)
				for i, v := range row {
					zi := sc * float64(v)
					if bs != nil {
						zi += float64(bs[(r%brows)*d+i])
					}
					z[i] = zi
					if zi > m {
						m = zi
					}
				}
				var sum float64
				for i, zi := range z {
					e := gFastExp(zi - m)
					z[i] = e
					sum += e
				}
				inv := 1 / sum
				for i, e := range z {
					dst[i] = float32(e * inv)
				}
			}
		})
		return out, err
	}
	var self *gnode
	// grad adds the node c * y * (gout - sum(gout*y)).
	grad := func(gout *gnode, c float64) *gnode {
		gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
			out := gZeros(in[0].Shape())
			o, ys, gs := gData(out), gData(in[0]), gData(in[1])
			err := gParallel(rows, rows*d, func(lo, hi int) {
				for r := lo; r < hi; r++ {
					y, gr, dst := ys[r*d:(r+1)*d], gs[r*d:(r+1)*d], o[r*d:(r+1)*d]
					var dot float64
					for i, v := range y {
						dot += float64(v) * float64(gr[i])
					}
					for i, v := range y {
						dst[i] = float32(c * float64(v) * (float64(gr[i]) - dot))
					}
				}
			})
			return out, err
		}
		return g.apply("SoftmaxGrad", x.shape, gk, nil, self, gout)
	}
	back := func(gout *gnode, need []bool) []*gnode {
		grads := make([]*gnode, len(in))
		if need[0] {
			grads[0] = grad(gout, sc)
		}
		if len(in) == 2 && need[1] {
			grads[1] = g.sumTo(grad(gout, 1), bias.n.Shape())
		}
		return grads
	}
	name := "Softmax"
	if bias != nil || scale != 1 {
		name = "ScaledSoftmax"
	}
	self = g.apply(name, x.shape, k, back, in...)
	return self
}

// normArgs checks a normalisation's operands: a (...,D), gamma (D) and an
// optional beta (D).
func (g *Graph) normArgs(name string, a, gamma, beta V) (x, gm, bt *gnode, ok bool) {
	vs := []V{a, gamma}
	if beta != nil {
		vs = append(vs, beta)
	}
	ns, ok := g.val(name, vs...)
	if !ok {
		return nil, nil, nil, false
	}
	x, gm = ns[0], ns[1]
	if len(ns) == 3 {
		bt = ns[2]
	}
	if len(x.shape) == 0 {
		g.setErr(name, "shape () has no last axis")
		return nil, nil, nil, false
	}
	d := x.shape[len(x.shape)-1]
	for _, p := range ns[1:] {
		if len(p.shape) != 1 || p.shape[0] != d {
			g.setErr(name, "x %v: gamma/beta shape %v, want (%d)", gFmtShape(x.shape), gFmtShape(p.shape), d)
			return nil, nil, nil, false
		}
	}
	return x, gm, bt, true
}

// LayerNorm normalises a (...,D) over its last axis:
// (a - mean) / sqrt(var + eps) * gamma + beta, with the biased variance;
// gamma and beta have shape (D), beta may be nil. Gradients (xhat the
// normalised input, r = 1/sqrt(var+eps), gh = g*gamma, means over the row):
// dx = r (gh - mean(gh) - xhat mean(gh xhat)), dgamma = sum over rows of
// g xhat, dbeta = sum over rows of g.
func (g *Graph) LayerNorm(a, gamma, beta V, eps float32) (ret V) {
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("LayerNorm", &ret, shape)
	x, gm, bt, ok := g.normArgs("LayerNorm", a, gamma, beta)
	if !ok {
		return g.placeholder(shape)
	}
	rows, d := rowsOf(x.shape)
	// stats returns the mean and 1/sqrt(var+eps) of a row.
	stats := func(row []float32) (mu, r float64) {
		for _, v := range row {
			mu += float64(v)
		}
		mu /= float64(d)
		var vr float64
		for _, v := range row {
			c := float64(v) - mu
			vr += c * c
		}
		return mu, 1 / math.Sqrt(vr/float64(d)+float64(eps))
	}
	in := []*gnode{x, gm}
	if bt != nil {
		in = append(in, bt)
	}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o, xs, gs := gData(out), gData(in[0]), gData(in[1])
		var bs []float32
		if len(in) == 3 {
			bs = gData(in[2])
		}
		err := gParallel(rows, rows*d, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				row, dst := xs[r*d:(r+1)*d], o[r*d:(r+1)*d]
				mu, rs := stats(row)
				for i, v := range row {
					y := (float64(v) - mu) * rs * float64(gs[i])
					if bs != nil {
						y += float64(bs[i])
					}
					dst[i] = float32(y)
				}
			}
		})
		return out, err
	}
	back := func(gout *gnode, need []bool) []*gnode {
		grads := make([]*gnode, len(in))
		if need[0] {
			gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
				out := gZeros(in[0].Shape())
				o, xs, gms, gs := gData(out), gData(in[0]), gData(in[1]), gData(in[2])
				err := gParallel(rows, rows*d, func(lo, hi int) {
					for r := lo; r < hi; r++ {
						row, gr, dst := xs[r*d:(r+1)*d], gs[r*d:(r+1)*d], o[r*d:(r+1)*d]
						mu, rs := stats(row)
						var mg, mgx float64
						for i, v := range row {
							gh := float64(gr[i]) * float64(gms[i])
							mg += gh
							mgx += gh * (float64(v) - mu) * rs
						}
						mg /= float64(d)
						mgx /= float64(d)
						for i, v := range row {
							gh := float64(gr[i]) * float64(gms[i])
							xh := (float64(v) - mu) * rs
							dst[i] = float32(rs * (gh - mg - xh*mgx))
						}
					}
				})
				return out, err
			}
			grads[0] = g.apply("LayerNormGradX", x.shape, gk, nil, x, gm, gout)
		}
		if need[1] {
			gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
				acc := make([]float64, d)
				xs, gs := gData(in[0]), gData(in[1])
				for r := 0; r < rows; r++ {
					row, gr := xs[r*d:(r+1)*d], gs[r*d:(r+1)*d]
					mu, rs := stats(row)
					for i, v := range row {
						acc[i] += float64(gr[i]) * (float64(v) - mu) * rs
					}
				}
				return gRowSum(d, acc), nil
			}
			grads[1] = g.apply("LayerNormGradGamma", gm.shape, gk, nil, x, gout)
		}
		if len(in) == 3 && need[2] {
			grads[2] = g.sumRows(gout)
		}
		return grads
	}
	return g.apply("LayerNorm", x.shape, k, back, in...)
}

// gRowSum converts float64 accumulators into a (D) tensor.
func gRowSum(d int, acc []float64) *tensor.Dense {
	out := gZeros(tensor.Shape{d})
	o := gData(out)
	for i, v := range acc {
		o[i] = float32(v)
	}
	return out
}

// sumRows adds the node summing x (...,D) over every axis but the last, to
// shape (D) (a gradient helper, without gradient itself).
func (g *Graph) sumRows(x *gnode) *gnode {
	rows, d := rowsOf(x.shape)
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		acc := make([]float64, d)
		xs := gData(in[0])
		for r := 0; r < rows; r++ {
			for i, v := range xs[r*d : (r+1)*d] {
				acc[i] += float64(v)
			}
		}
		return gRowSum(d, acc), nil
	}
	return g.apply("SumRows", tensor.Shape{d}, k, nil, x)
}

// RMSNorm normalises a (...,D) over its last axis:
// a / sqrt(mean(a^2) + eps) * gamma, gamma of shape (D). Gradients (r =
// 1/sqrt(mean(x^2)+eps), gh = g*gamma): dx = r gh - x r^3 mean(gh x),
// dgamma = sum over rows of g x r.
func (g *Graph) RMSNorm(a, gamma V, eps float32) (ret V) {
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("RMSNorm", &ret, shape)
	x, gm, _, ok := g.normArgs("RMSNorm", a, gamma, nil)
	if !ok {
		return g.placeholder(shape)
	}
	rows, d := rowsOf(x.shape)
	rstd := func(row []float32) float64 {
		var ms float64
		for _, v := range row {
			ms += float64(v) * float64(v)
		}
		return 1 / math.Sqrt(ms/float64(d)+float64(eps))
	}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o, xs, gs := gData(out), gData(in[0]), gData(in[1])
		err := gParallel(rows, rows*d, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				row, dst := xs[r*d:(r+1)*d], o[r*d:(r+1)*d]
				rs := rstd(row)
				for i, v := range row {
					dst[i] = float32(float64(v) * rs * float64(gs[i]))
				}
			}
		})
		return out, err
	}
	back := func(gout *gnode, need []bool) []*gnode {
		grads := make([]*gnode, 2)
		if need[0] {
			gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
				out := gZeros(in[0].Shape())
				o, xs, gms, gs := gData(out), gData(in[0]), gData(in[1]), gData(in[2])
				err := gParallel(rows, rows*d, func(lo, hi int) {
					for r := lo; r < hi; r++ {
						row, gr, dst := xs[r*d:(r+1)*d], gs[r*d:(r+1)*d], o[r*d:(r+1)*d]
						rs := rstd(row)
						var m float64
						for i, v := range row {
							m += float64(gr[i]) * float64(gms[i]) * float64(v)
						}
						m /= float64(d)
						for i, v := range row {
							dst[i] = float32(rs*float64(gr[i])*float64(gms[i]) - float64(v)*rs*rs*rs*m)
						}
					}
				})
				return out, err
			}
			grads[0] = g.apply("RMSNormGradX", x.shape, gk, nil, x, gm, gout)
		}
		if need[1] {
			gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
				acc := make([]float64, d)
				xs, gs := gData(in[0]), gData(in[1])
				for r := 0; r < rows; r++ {
					row, gr := xs[r*d:(r+1)*d], gs[r*d:(r+1)*d]
					rs := rstd(row)
					for i, v := range row {
						acc[i] += float64(gr[i]) * float64(v) * rs
					}
				}
				return gRowSum(d, acc), nil
			}
			grads[1] = g.apply("RMSNormGradGamma", gm.shape, gk, nil, x, gout)
		}
		return grads
	}
	return g.apply("RMSNorm", x.shape, k, back, x, gm)
}

// Attention returns softmax(q k^T * scale + bias) v for q (B,Lq,dh), k and
// v (B,Lk,dh) and an additive bias (Lq,Lk) or (B,Lq,Lk), or nil; the result
// is (B,Lq,dh). It is two MatMul nodes around one fused node computing
// softmax(s*scale + bias) (scaledSoftmax), so its gradient is theirs; a bias
// of another broadcastable shape goes through Scale, Add and Softmax.
func (g *Graph) Attention(q, k, v, bias V, scale float32) (ret V) {
	qs, ks, vs := gShapeOf(q), gShapeOf(k), gShapeOf(v)
	shape, _, qkvErr := AttentionShape(qs, ks, vs, nil, false)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Attention", &ret, shape)
	if _, ok := g.val("Attention", q, k, v); !ok {
		return g.placeholder(shape)
	}
	if qkvErr != nil {
		g.setErr("Attention", "q %v, k %v, v %v: want (B,Lq,dh), (B,Lk,dh), (B,Lk,dv)", gFmtShape(qs), gFmtShape(ks), gFmtShape(vs))
		return g.placeholder(shape)
	}
	s := g.MatMul(q, k, false, true)
	if bias == nil {
		return g.MatMul(g.scaledSoftmax(s.(*gnode), nil, scale), v, false, false)
	}
	ns, ok := g.val("Attention", bias)
	if !ok {
		return g.placeholder(shape)
	}
	bp, ok := gBroadcastShape(s.Shape(), ns[0].shape)
	if !ok || bp[1] != s.Shape()[1] || bp[2] != s.Shape()[2] {
		// not a (Lq,Lk) or (B,Lq,Lk) bias: let Add report or broadcast it
		s = g.Add(g.Scale(s, scale), bias)
		return g.MatMul(g.Softmax(s), v, false, false)
	}
	b := ns[0]
	if len(b.shape) != len(bp) {
		b = g.reshape(b, bp)
	}
	return g.MatMul(g.scaledSoftmax(s.(*gnode), b, scale), v, false, false)
}
