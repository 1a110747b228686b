package nn

import (
	"math"

	"gorgonia.org/tensor"
)

// gBinKind selects an element-wise binary operation.
type gBinKind int

const (
	gAdd gBinKind = iota
	gSub
	gMul
	gDiv
)

var gBinNames = [...]string{"Add", "Sub", "Mul", "Div"}

// Add returns a + b with Exec's broadcasting of b; the gradient of b sums
// over its broadcast axes.
func (g *Graph) Add(a, b V) V { return g.binaryOp(gAdd, a, b) }

// Sub returns a - b with broadcasting.
func (g *Graph) Sub(a, b V) V { return g.binaryOp(gSub, a, b) }

// Mul returns a * b (element-wise) with broadcasting.
func (g *Graph) Mul(a, b V) V { return g.binaryOp(gMul, a, b) }

// Div returns a / b (element-wise) with broadcasting.
func (g *Graph) Div(a, b V) V { return g.binaryOp(gDiv, a, b) }

// binaryOp checks shapes, reshapes a lower-rank b to a's rank (leading 1s)
// and adds the node.
func (g *Graph) binaryOp(kind gBinKind, a, b V) (ret V) {
	name := gBinNames[kind]
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard(name, &ret, shape)
	ns, ok := g.val(name, a, b)
	if !ok {
		return g.placeholder(shape)
	}
	x, y := ns[0], ns[1]
	bp, ok := gBroadcastShape(x.shape, y.shape)
	if !ok {
		g.setErr(name, "shapes %v and %v: b must have a's shape, a's rank with some dimensions 1, or a's trailing dimensions",
			gFmtShape(x.shape), gFmtShape(y.shape))
		return g.placeholder(shape)
	}
	if len(y.shape) != len(x.shape) {
		y = g.reshape(y, bp)
	}
	return g.binary(kind, x, y)
}

// binary adds the node a (op) b, where b's node shape has a's rank and each
// dimension equal to a's or 1.
func (g *Graph) binary(kind gBinKind, a, b *gnode) *gnode {
	full, part := a.n.Shape().Clone(), b.n.Shape().Clone()
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(full)
		o, xs, ys := gData(out), gData(in[0]), gData(in[1])
		if full.Eq(part) {
			err := gParallel(len(o), len(o), func(lo, hi int) {
				gBinRow(kind, o[lo:hi], xs[lo:hi], ys[lo:hi], 1)
			})
			return out, err
		}
		gBcastRows(full, part, func(off, poff, n, ps int) {
			end := poff + 1
			if ps != 0 {
				end = poff + n
			}
			gBinRow(kind, o[off:off+n], xs[off:off+n], ys[poff:end], ps)
		})
		return out, nil
	}
	var self *gnode
	back := func(gout *gnode, need []bool) []*gnode {
		grads := make([]*gnode, 2)
		switch kind {
		case gAdd:
			grads[0] = gout
			if need[1] {
				grads[1] = g.sumTo(gout, part)
			}
		case gSub:
			grads[0] = gout
			if need[1] {
				grads[1] = g.scale(g.sumTo(gout, part), -1)
			}
		case gMul:
			if need[0] {
				grads[0] = g.binary(gMul, gout, b)
			}
			if need[1] {
				grads[1] = g.sumTo(g.binary(gMul, gout, a), part)
			}
		case gDiv:
			ga := g.binary(gDiv, gout, b)
			grads[0] = ga
			if need[1] {
				// d(a/b)/db = -(a/b)/b, so gb = -sum(ga * out).
				grads[1] = g.scale(g.sumTo(g.binary(gMul, ga, self), part), -1)
			}
		}
		return grads
	}
	self = g.apply(gBinNames[kind], a.shape, k, back, a, b)
	return self
}

// gBinRow computes o[i] = x[i] op y[i*ys] for a row; ys is 1 or 0 (y
// broadcast along the row).
func gBinRow(kind gBinKind, o, x, y []float32, ys int) {
	if ys == 0 {
		v := y[0]
		switch kind {
		case gAdd:
			for i := range o {
				o[i] = x[i] + v
			}
		case gSub:
			for i := range o {
				o[i] = x[i] - v
			}
		case gMul:
			for i := range o {
				o[i] = x[i] * v
			}
		case gDiv:
			for i := range o {
				o[i] = x[i] / v
			}
		}
		return
	}
	y = y[:len(o)]
	x = x[:len(o)]
	switch kind {
	case gAdd:
		for i := range o {
			o[i] = x[i] + y[i]
		}
	case gSub:
		for i := range o {
			o[i] = x[i] - y[i]
		}
	case gMul:
		for i := range o {
			o[i] = x[i] * y[i]
		}
	case gDiv:
		for i := range o {
			o[i] = x[i] / y[i]
		}
	}
}

// Scale returns a * s.
func (g *Graph) Scale(a V, s float32) (ret V) {
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("Scale", &ret, shape)
	ns, ok := g.val("Scale", a)
	if !ok {
		return g.placeholder(shape)
	}
	return g.scale(ns[0], s)
}

// scale adds the node x * s.
func (g *Graph) scale(x *gnode, s float32) *gnode {
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o := gData(out)
		for i, v := range gData(in[0]) {
			o[i] = v * s
		}
		return out, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode { return []*gnode{g.scale(gout, s)} }
	return g.apply("Scale", x.shape, k, back, x)
}

// AddScalar returns a + s.
func (g *Graph) AddScalar(a V, s float32) (ret V) {
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard("AddScalar", &ret, shape)
	ns, ok := g.val("AddScalar", a)
	if !ok {
		return g.placeholder(shape)
	}
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o := gData(out)
		for i, v := range gData(in[0]) {
			o[i] = v + s
		}
		return out, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode { return []*gnode{gout} }
	return g.apply("AddScalar", ns[0].shape, k, back, ns[0])
}

// gUnaryKind selects an element-wise function.
type gUnaryKind int

const (
	gExp gUnaryKind = iota
	gLog
	gSqrt
	gSquare
	gTanh
	gSigmoid
	gGELU // tanh form, graph_fused.go
)

var gUnaryNames = [...]string{"Exp", "Log", "Sqrt", "Square", "Tanh", "Sigmoid", "GELU"}

// Exp returns e^a.
func (g *Graph) Exp(a V) V { return g.unaryOp(gExp, a) }

// Log returns the natural logarithm of a.
func (g *Graph) Log(a V) V { return g.unaryOp(gLog, a) }

// Sqrt returns the square root of a. Its gradient is 1/(2 sqrt(a)),
// computed from the output (gorgonia's InverseSqrt is not used).
func (g *Graph) Sqrt(a V) V { return g.unaryOp(gSqrt, a) }

// Square returns a^2.
func (g *Graph) Square(a V) V { return g.unaryOp(gSquare, a) }

// Tanh returns tanh(a).
func (g *Graph) Tanh(a V) V { return g.unaryOp(gTanh, a) }

// Sigmoid returns 1/(1+e^-a).
func (g *Graph) Sigmoid(a V) V { return g.unaryOp(gSigmoid, a) }

// unaryOp adds the node f(a). Its gradient is one fused node computing
// gout * f'(a) from a and f(a).
func (g *Graph) unaryOp(kind gUnaryKind, a V) (ret V) {
	name := gUnaryNames[kind]
	shape := gShapeOf(a)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard(name, &ret, shape)
	ns, ok := g.val(name, a)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(in[0].Shape())
		o, xs := gData(out), gData(in[0])
		err := gParallel(len(o), len(o), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				o[i] = gUnaryF(kind, xs[i])
			}
		})
		return out, err
	}
	var self *gnode
	back := func(gout *gnode, _ []bool) []*gnode {
		gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
			out := gZeros(in[0].Shape())
			o, xs, ys, gs := gData(out), gData(in[0]), gData(in[1]), gData(in[2])
			err := gParallel(len(o), len(o), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					o[i] = gs[i] * gUnaryD(kind, xs[i], ys[i])
				}
			})
			return out, err
		}
		return []*gnode{g.apply(name+"Grad", x.shape, gk, nil, x, self, gout)}
	}
	self = g.apply(name, x.shape, k, back, x)
	return self
}

// gUnaryF computes f(v) in float64 and rounds once.
func gUnaryF(kind gUnaryKind, v float32) float32 {
	x := float64(v)
	switch kind {
	case gExp:
		return float32(gFastExp(x))
	case gLog:
		return float32(math.Log(x))
	case gSqrt:
		return float32(math.Sqrt(x))
	case gSquare:
		return v * v
	case gTanh:
		return float32(gFastTanh(x))
	case gGELU:
		y, _ := geluTanh(x)
		return float32(y)
	default: // gSigmoid
		return float32(sigmoid64(x))
	}
}

// gUnaryD computes f'(x) given x and y = f(x).
func gUnaryD(kind gUnaryKind, x, y float32) float32 {
	switch kind {
	case gExp:
		return y
	case gLog:
		return 1 / x
	case gSqrt:
		return 0.5 / y
	case gSquare:
		return 2 * x
	case gTanh:
		return 1 - y*y
	case gGELU:
		_, dy := geluTanh(float64(x))
		return float32(dy)
	default: // gSigmoid
		return y * (1 - y)
	}
}
