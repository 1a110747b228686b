package nn

import (
	"fmt"
	"strings"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Graph is the gorgonia executor: every operation adds a node to a
// gorgonia ExprGraph, Run executes the graph with TapeMachines (one per
// segment of at most gSegmentNodes nodes, see graph_segment.go), and Backward
// adds the gradient nodes of a scalar loss (reverse-mode, symbolic: the
// gradients are themselves nodes of the same graph).
//
// Every node runs one of the executor's own gorgonia Ops (graph_op.go). They
// never write into their inputs and always return fresh, contiguous
// float32 tensors, so a value read with Value after Run is never clobbered
// by a later instruction of the tape, and no gradient depends on the
// in-place behaviour of gorgonia's built-in operators. Gradients are summed
// by the executor itself (graph_backward.go), not by gorgonia's
// Backpropagate.
//
// Typical use, one graph per training step:
//
//	g := nn.NewGraph()
//	loss := model(g, batch) // builds nodes only
//	if err := g.Backward(loss); err != nil { ... }
//	if err := g.Run(ctx); err != nil { ... }
//	for _, p := range g.Params() { grad, err := g.Grad(p); ... }
//
// A Graph is not safe for concurrent use.
type Graph struct {
	segs []*gSegment // the ExprGraphs, in execution order (graph_segment.go)
	err  error

	nodes  []*gnode                 // every live node, in creation (topological) order
	params map[*tensor.Dense]*gnode // one node per parameter tensor
	order  []*tensor.Dense          // parameters in first-use order
	frozen map[*tensor.Dense]bool

	rs     *gRunState
	serial int // distinguishes ops for gorgonia's hash-consing

	loss  *gnode
	grads map[*tensor.Dense]*gnode // filled by Backward
	ran   bool
}

var _ Exec = (*Graph)(nil)

// NewGraph returns an empty graph executor.
func NewGraph() *Graph {
	return &Graph{
		params: make(map[*tensor.Dense]*gnode),
		frozen: make(map[*tensor.Dense]bool),
		rs:     &gRunState{},
	}
}

// gnode is a value of the graph executor: a gorgonia node plus what the
// executor needs for its own backward pass.
type gnode struct {
	g     *Graph
	n     *gorgonia.Node // nil for a placeholder returned after an error
	seg   *gSegment      // the ExprGraph holding n
	shape tensor.Shape   // the shape callers see; () is held as (1) in n
	seq   int            // index in g.nodes

	in    []*gnode
	back  gBackFunc     // nil: no gradient flows through this node
	param *tensor.Dense // the parameter tensor, for Param nodes
}

// gBackFunc returns the gradients of the node's inputs given the gradient of
// its output (same shape as the output). need[i] says whether input i needs
// one; entries not needed may be nil.
type gBackFunc func(gout *gnode, need []bool) []*gnode

// Shape returns the dimensions of the value, outermost first.
func (v *gnode) Shape() tensor.Shape { return v.shape }

// Err returns the first error met by any operation, Backward or Run.
func (g *Graph) Err() error { return g.err }

// setErr records the first error.
func (g *Graph) setErr(op string, format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("nn: graph %s: %s", op, fmt.Sprintf(format, args...))
	}
}

// guard turns a panic (gorgonia's Must chains, the tensor package) into the
// sticky error and makes the operation return a placeholder of the given
// shape. Use as `defer g.guard("Op", &ret, shape)` with a named result.
func (g *Graph) guard(op string, ret *V, shape tensor.Shape) {
	if r := recover(); r != nil {
		g.setErr(op, "panic: %v", r)
		*ret = g.placeholder(shape)
	}
}

// placeholder is the value returned by an operation after an error.
func (g *Graph) placeholder(shape tensor.Shape) *gnode {
	return &gnode{g: g, shape: shape.Clone(), seq: -1}
}

// val unwraps an operand, recording an error when it does not belong to g
// or is a placeholder. ok is false when the caller must return a
// placeholder.
func (g *Graph) val(op string, vs ...V) ([]*gnode, bool) {
	out := make([]*gnode, len(vs))
	for i, v := range vs {
		n, isG := v.(*gnode)
		switch {
		case v == nil || (isG && n == nil):
			g.setErr(op, "operand %d is nil", i)
		case !isG:
			g.setErr(op, "operand %d is a %T, not a value of this graph executor", i, v)
		case n.g != g:
			g.setErr(op, "operand %d belongs to another graph", i)
		}
		if g.err != nil {
			return nil, false
		}
		out[i] = n
		if n.n == nil {
			return nil, false
		}
	}
	return out, g.err == nil
}

// gShapeOf returns a's shape or (1) when a is nil, for placeholders.
func gShapeOf(v V) tensor.Shape {
	if v == nil {
		return tensor.Shape{1}
	}
	if n, ok := v.(*gnode); ok && n == nil {
		return tensor.Shape{1}
	}
	return v.Shape()
}

// gNodeShape is the shape a value has inside gorgonia: () becomes (1).
func gNodeShape(s tensor.Shape) tensor.Shape {
	if len(s) == 0 {
		return tensor.Shape{1}
	}
	return s.Clone()
}

// gFmtShape prints a shape as (2,3); () for a scalar.
func gFmtShape(s tensor.Shape) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// apply adds a node computing k on the inputs, with the user-facing shape
// out. back may be nil for operations without gradient.
func (g *Graph) apply(name string, out tensor.Shape, k gKernel, back gBackFunc, in ...*gnode) *gnode {
	s := g.segment()
	children := make([]*gorgonia.Node, len(in))
	inDims := make([]int, len(in))
	for i, x := range in {
		children[i] = g.inSegment(s, x)
		inDims[i] = x.n.Dims()
	}
	g.serial++
	op := &gop{name: name, serial: g.serial, inDims: inDims, out: gNodeShape(out), k: k, rs: g.rs}
	n, err := gorgonia.ApplyOp(op, children...)
	if err != nil {
		g.setErr(name, "gorgonia: %v", err)
		return g.placeholder(out)
	}
	s.size++
	return g.record(&gnode{g: g, n: n, seg: s, shape: out.Clone(), in: in, back: back})
}

// record appends a node to the tape order.
func (g *Graph) record(v *gnode) *gnode {
	v.seq = len(g.nodes)
	g.nodes = append(g.nodes, v)
	return v
}
