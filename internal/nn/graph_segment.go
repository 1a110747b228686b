package nn

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gSegmentNodes bounds the number of nodes of one gorgonia ExprGraph.
//
// gorgonia v0.9.18 compiles a TapeMachine in time quadratic in the number of
// nodes (codegenerator.insertFree scans the whole location map for every
// read): measured on this executor, 1,600 nodes took 0.33 s and 6,400 nodes
// 3.2 s to compile, against 60 ms to run. The executor therefore cuts its
// nodes into segments of at most gSegmentNodes nodes, each its own
// ExprGraph and TapeMachine, run in order; compiling costs
// O(nodes * gSegmentNodes), linear in the size of the network. A value used
// by a later segment enters it as an input node (a proxy) bound with
// gorgonia.Let to the producing node's value before that segment runs;
// sharing is safe because no kernel writes into its inputs.
const gSegmentNodes = 128

// gSegment is one ExprGraph with its TapeMachine.
type gSegment struct {
	eg      *gorgonia.ExprGraph
	size    int // nodes in eg, proxies included
	vm      gorgonia.VM
	vmSize  int // size when vm was compiled
	proxies []gProxy
	proxyOf map[*gnode]*gorgonia.Node
}

// gProxy is an input node of a segment standing for a value computed in an
// earlier segment.
type gProxy struct {
	n   *gorgonia.Node
	src *gnode
}

// segment returns the segment new nodes go to, opening a new one when the
// current one is full.
func (g *Graph) segment() *gSegment {
	if n := len(g.segs); n > 0 && g.segs[n-1].size < gSegmentNodes {
		return g.segs[n-1]
	}
	s := &gSegment{eg: gorgonia.NewGraph(), proxyOf: make(map[*gnode]*gorgonia.Node)}
	g.segs = append(g.segs, s)
	return s
}

// inSegment returns the gorgonia node standing for x inside segment s: x's
// own node, or a proxy input node.
func (g *Graph) inSegment(s *gSegment, x *gnode) *gorgonia.Node {
	if x.seg == s {
		return x.n
	}
	if p, ok := s.proxyOf[x]; ok {
		return p
	}
	g.serial++
	shape := x.n.Shape().Clone()
	p := gorgonia.NewTensor(s.eg, tensor.Float32, len(shape),
		gorgonia.WithShape(shape...), gorgonia.WithName(fmt.Sprintf("proxy%d", g.serial)))
	s.proxyOf[x] = p
	s.proxies = append(s.proxies, gProxy{n: p, src: x})
	s.size++
	return p
}

// run binds the segment's proxies and runs its tape, compiling it first if
// nodes were added since the last compilation.
func (s *gSegment) run() error {
	for _, p := range s.proxies {
		v := p.src.n.Value()
		if v == nil {
			return fmt.Errorf("proxy %s: no value computed for %s", p.n.Name(), p.src.n.Op())
		}
		if err := gorgonia.Let(p.n, v); err != nil {
			return fmt.Errorf("proxy %s: %w", p.n.Name(), err)
		}
	}
	if s.vm == nil || s.vmSize != s.size {
		if s.vm != nil {
			s.vm.Close()
		}
		s.vm = gorgonia.NewTapeMachine(s.eg)
		s.vmSize = s.size
	}
	s.vm.Reset()
	return s.vm.RunAll()
}
