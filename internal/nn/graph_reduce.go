package nn

import (
	"gorgonia.org/tensor"
)

// Sum reduces a along axis and keeps the axis with size 1: (N,D) along 1 ->
// (N,1). Its gradient broadcasts the output gradient back over the axis.
func (g *Graph) Sum(a V, axis int) V { return g.reduceOp("Sum", a, axis) }

// Mean is Sum divided by the size of the axis.
func (g *Graph) Mean(a V, axis int) V { return g.reduceOp("Mean", a, axis) }

// Max reduces a along axis to its maximum, keeping the axis with size 1.
// Its gradient goes to the maximal elements along the axis, shared equally
// between ties (as torch.amax, and as central differences see it).
func (g *Graph) Max(a V, axis int) V { return g.reduceOp("Max", a, axis) }

// reduceOp checks the axis and adds the reduction.
func (g *Graph) reduceOp(name string, a V, axis int) (ret V) {
	shape, shapeErr := ReduceShape(gShapeOf(a), axis)
	if g.err != nil {
		return g.placeholder(shape)
	}
	defer g.guard(name, &ret, shape)
	ns, ok := g.val(name, a)
	if !ok {
		return g.placeholder(shape)
	}
	x := ns[0]
	if shapeErr != nil {
		g.setErr(name, "axis %d out of range for shape %v", axis, gFmtShape(x.shape))
		return g.placeholder(shape)
	}
	switch name {
	case "Sum":
		return g.sumTo(x, shape)
	case "Mean":
		return g.scale(g.sumTo(x, shape), 1/float32(x.shape[axis]))
	default:
		return g.max(x, axis)
	}
}

// max adds the node max(x) along axis, axis kept.
func (g *Graph) max(x *gnode, axis int) *gnode {
	full := x.shape.Clone()
	outer, n, inner := SplitAxis(full, axis)
	out := full.Clone()
	out[axis] = 1
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		res := gZeros(gNodeShape(out))
		o, xs := gData(res), gData(in[0])
		for a := 0; a < outer; a++ {
			base := a * n * inner
			copy(o[a*inner:(a+1)*inner], xs[base:base+inner])
			for j := 1; j < n; j++ {
				row := xs[base+j*inner : base+(j+1)*inner]
				dst := o[a*inner : (a+1)*inner]
				for i, v := range row {
					if v > dst[i] {
						dst[i] = v
					}
				}
			}
		}
		return res, nil
	}
	var self *gnode
	back := func(gout *gnode, _ []bool) []*gnode {
		gk := func(in []*tensor.Dense) (*tensor.Dense, error) {
			res := gZeros(gNodeShape(full))
			o, xs, ys, gs := gData(res), gData(in[0]), gData(in[1]), gData(in[2])
			for a := 0; a < outer; a++ {
				base := a * n * inner
				for i := 0; i < inner; i++ {
					m := ys[a*inner+i]
					ties := 0
					for j := 0; j < n; j++ {
						if xs[base+j*inner+i] == m {
							ties++
						}
					}
					share := gs[a*inner+i] / float32(ties)
					for j := 0; j < n; j++ {
						if xs[base+j*inner+i] == m {
							o[base+j*inner+i] = share
						}
					}
				}
			}
			return res, nil
		}
		return []*gnode{g.apply("MaxGrad", full, gk, nil, x, self, gout)}
	}
	self = g.apply("Max", out, k, back, x)
	return self
}
