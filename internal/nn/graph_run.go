package nn

import (
	"context"
	"errors"
	"fmt"

	"gorgonia.org/tensor"
)

// Run executes the graph on gorgonia TapeMachines, segment after segment:
// the forward pass and, if Backward was called, the backward pass. Run may
// be called again (for example after an optimiser updated the parameters in
// place); a segment's tape is recompiled only when nodes were added to it
// since the last Run. Every
// instruction checks ctx, so a cancelled context stops the tape at the next
// node; Run then returns ctx's error wrapped.
func (g *Graph) Run(ctx context.Context) (err error) {
	if g.err != nil {
		return g.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nn: graph Run: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("nn: graph Run: panic: %v", r)
		}
		g.rs.ctx = nil
	}()
	if len(g.nodes) == 0 {
		return errors.New("nn: graph Run: empty graph")
	}
	g.rs.ctx = ctx
	g.ran = false
	for i, s := range g.segs {
		if err := s.run(); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return fmt.Errorf("nn: graph Run: %w", cerr)
			}
			return fmt.Errorf("nn: graph Run: segment %d: %w", i, err)
		}
	}
	g.ran = true
	return nil
}

// Value returns the value of v computed by the last Run, with v's shape,
// or nil before a successful Run or for a value of another executor. The
// tensor belongs to the graph (it may share memory with a parameter or
// another value): callers must not modify it.
func (g *Graph) Value(v V) *tensor.Dense {
	n, ok := v.(*gnode)
	if !ok || n == nil || n.g != g || n.n == nil || !g.ran {
		return nil
	}
	d, ok := n.n.Value().(*tensor.Dense)
	if !ok {
		return nil
	}
	if !d.Shape().Eq(n.shape) || len(n.shape) == 0 {
		return gWrapShape(n.shape, gData(d))
	}
	return d
}

// Grad returns the gradient of the loss given to Backward with respect to
// parameter p, computed by the last Run; it has p's shape. A trainable
// parameter used by the graph that the loss does not depend on gets zeros.
// It is an error to ask before Backward and Run, or for a tensor that the
// graph never used as a Param, or for a frozen one.
func (g *Graph) Grad(p *tensor.Dense) (*tensor.Dense, error) {
	switch {
	case g.err != nil:
		return nil, g.err
	case p == nil:
		return nil, errors.New("nn: graph Grad: nil tensor")
	case g.loss == nil:
		return nil, errors.New("nn: graph Grad: Backward was not called")
	case !g.ran:
		return nil, errors.New("nn: graph Grad: Run has not succeeded")
	}
	if _, used := g.params[p]; !used {
		return nil, fmt.Errorf("nn: graph Grad: tensor %v was not used as a Param", gFmtShape(p.Shape()))
	}
	if g.frozen[p] {
		return nil, fmt.Errorf("nn: graph Grad: tensor %v is frozen", gFmtShape(p.Shape()))
	}
	n, ok := g.grads[p]
	if !ok {
		return tensor.New(tensor.WithShape(p.Shape().Clone()...), tensor.Of(tensor.Float32)), nil
	}
	d, ok := n.n.Value().(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("nn: graph Grad: no value for the gradient of %v", gFmtShape(p.Shape()))
	}
	if !d.Shape().Eq(p.Shape()) {
		return gWrapShape(p.Shape(), gData(d)), nil
	}
	return d, nil
}

// gWrapShape wraps data in a tensor of any shape, () included.
func gWrapShape(shape tensor.Shape, data []float32) *tensor.Dense {
	if len(shape) == 0 {
		return tensor.New(tensor.FromScalar(data[0]))
	}
	return gWrap(shape.Clone(), data)
}
