package nn

import (
	"gorgonia.org/tensor"
)

// Backward adds to the graph the gradient nodes of loss with respect to
// every trainable parameter (Params) that loss depends on. loss must have
// shape () or (1). The gradients are computed by the next Run and read
// with Grad. Backward may be called once per graph.
//
// The backward pass walks the nodes in reverse creation order (a
// topological order), asks each node's rule for its inputs' gradients and
// sums the contributions of a value used several times with Add nodes of
// this executor.
func (g *Graph) Backward(loss V) (err error) {
	if g.err != nil {
		return g.err
	}
	defer func() {
		if r := recover(); r != nil {
			g.setErr("Backward", "panic: %v", r)
			err = g.err
		}
	}()
	ns, ok := g.val("Backward", loss)
	if !ok {
		return g.err
	}
	l := ns[0]
	if l.shape.TotalSize() != 1 || len(l.shape) > 1 {
		g.setErr("Backward", "loss shape %v is not () or (1)", gFmtShape(l.shape))
		return g.err
	}
	if g.loss != nil {
		g.setErr("Backward", "called twice")
		return g.err
	}

	// needs[i]: node i depends on a trainable parameter.
	needs := make([]bool, l.seq+1)
	for i, v := range g.nodes[:l.seq+1] {
		if v.param != nil {
			needs[i] = !g.frozen[v.param]
			continue
		}
		for _, x := range v.in {
			if needs[x.seq] {
				needs[i] = true
				break
			}
		}
	}
	g.loss = l
	g.grads = make(map[*tensor.Dense]*gnode)
	if !needs[l.seq] {
		return nil
	}

	one := gZeros(tensor.Shape{1})
	gData(one)[0] = 1
	seed := g.Const(one).(*gnode)
	if len(l.shape) == 0 {
		seed = g.reshape(seed, tensor.Shape{})
	}
	grad := make([]*gnode, l.seq+1)
	grad[l.seq] = seed
	for i := l.seq; i >= 0; i-- {
		v, gv := g.nodes[i], grad[i]
		if gv == nil || !needs[i] {
			continue
		}
		if v.param != nil {
			g.grads[v.param] = gv
			continue
		}
		if v.back == nil {
			g.setErr("Backward", "node %s has no gradient rule", v.n.Op())
			return g.err
		}
		need := make([]bool, len(v.in))
		for j, x := range v.in {
			need[j] = needs[x.seq]
		}
		ins := v.back(gv, need)
		if g.err != nil {
			return g.err
		}
		for j, x := range v.in {
			if !need[j] {
				continue
			}
			if gs, xs := ins[j].n.Shape(), x.n.Shape(); !gs.Eq(xs) {
				g.setErr("Backward", "internal: gradient of %s input %d has shape %v, want %v", v.n.Op(), j, gs, xs)
				return g.err
			}
			if grad[x.seq] == nil {
				grad[x.seq] = ins[j]
			} else {
				grad[x.seq] = g.binary(gAdd, grad[x.seq], ins[j])
			}
		}
	}
	return g.err
}
