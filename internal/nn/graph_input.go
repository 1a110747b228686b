package nn

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Param returns the node of a parameter tensor, creating it on first use:
// a tensor used twice is one node, so its gradient sums both uses. The node
// reads p's memory at every Run, so an optimiser that updates p in place is
// seen by the next Run of the same graph. A frozen tensor (Freeze) gets no
// gradient. p must be a float32 tensor.
func (g *Graph) Param(p *tensor.Dense) V {
	if n, ok := g.params[p]; ok && g.err == nil {
		return n
	}
	n := g.input("Param", p).(*gnode)
	if n.n != nil {
		n.param = p
		g.params[p] = n
		g.order = append(g.order, p)
	}
	return n
}

// Const returns the node of an input tensor. It never receives a gradient.
// Its data is read at every Run (a view is copied once, here).
func (g *Graph) Const(t *tensor.Dense) V {
	return g.input("Const", t)
}

// Freeze makes the given parameters constants: Backward computes no
// gradient for them, Grad reports an error for them and Params leaves them
// out. Freeze may be called before or after the tensors are used, but
// before Backward.
func (g *Graph) Freeze(ps ...*tensor.Dense) {
	for _, p := range ps {
		g.frozen[p] = true
	}
}

// Params returns the trainable parameters used by the graph, in first-use
// order, frozen ones left out.
func (g *Graph) Params() []*tensor.Dense {
	out := make([]*tensor.Dense, 0, len(g.order))
	for _, p := range g.order {
		if !g.frozen[p] {
			out = append(out, p)
		}
	}
	return out
}

// input adds an input node bound to t.
func (g *Graph) input(op string, t *tensor.Dense) (ret V) {
	if t == nil {
		g.setErr(op, "nil tensor")
		return g.placeholder(tensor.Shape{1})
	}
	shape := t.Shape().Clone()
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard(op, &ret, shape)
	if t.Dtype() != tensor.Float32 {
		g.setErr(op, "tensor %v has dtype %v, want float32", gFmtShape(shape), t.Dtype())
		return g.placeholder(shape)
	}
	for _, d := range shape {
		if d <= 0 {
			g.setErr(op, "tensor shape %v has an empty dimension", gFmtShape(shape))
			return g.placeholder(shape)
		}
	}
	var data []float32
	if t.IsView() || t.RequiresIterator() {
		data = append([]float32(nil), gData(t.Materialize().(*tensor.Dense))...)
	} else {
		data = t.Float32s() // shares the backing array, scalars included
	}
	ns := gNodeShape(shape)
	val := gWrap(ns, data[:ns.TotalSize()])
	g.serial++
	s := g.segment()
	n := gorgonia.NewTensor(s.eg, tensor.Float32, len(ns),
		gorgonia.WithShape(ns...), gorgonia.WithValue(val),
		gorgonia.WithName(fmt.Sprintf("%s%d", op, g.serial)))
	s.size++
	return g.record(&gnode{g: g, n: n, seg: s, shape: shape})
}
