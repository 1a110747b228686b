package nn

import (
	"gorgonia.org/tensor"
)

// gBroadcastShape returns b's shape padded with leading 1s to the rank of a
// when b may broadcast against a under Exec's rule (same shape; same rank
// with some dimensions 1; or fewer dimensions equal to a's trailing ones).
// ok is false otherwise.
func gBroadcastShape(a, b tensor.Shape) (tensor.Shape, bool) {
	if !broadcasts(a, b) {
		return nil, false
	}
	if len(b) < len(a) {
		p := make(tensor.Shape, len(a))
		for i := range p {
			p[i] = 1
		}
		copy(p[len(a)-len(b):], b)
		return p, true
	}
	return b.Clone(), true
}

// gBcastRows walks a row-major tensor of shape full (rank >= 1) row by row
// (a row is the last axis) together with a tensor of shape part, which has
// the same rank and each dimension equal to full's or 1. For each row it
// calls fn with the row's offset in full, the offset of the matching
// elements in part, the row length, and the stride along the row in part (1,
// or 0 when part's last dimension is broadcast).
func gBcastRows(full, part tensor.Shape, fn func(off, poff, n, pstride int)) {
	r := len(full)
	pstrides := make([]int, r)
	s := 1
	for i := r - 1; i >= 0; i-- {
		if part[i] == 1 {
			pstrides[i] = 0
		} else {
			pstrides[i] = s
		}
		s *= part[i]
	}
	inner := full[r-1]
	rows := full.TotalSize() / inner
	idx := make([]int, r-1)
	poff := 0
	for row := 0; row < rows; row++ {
		fn(row*inner, poff, inner, pstrides[r-1])
		// increment the multi-index over the outer axes
		for ax := r - 2; ax >= 0; ax-- {
			idx[ax]++
			poff += pstrides[ax]
			if idx[ax] < full[ax] {
				break
			}
			poff -= pstrides[ax] * full[ax]
			idx[ax] = 0
		}
	}
}

// sumTo adds a node that sums x (node shape full) down to shape part (same
// rank, dimensions equal or 1), keeping the reduced axes with size 1. Its
// gradient is expand.
func (g *Graph) sumTo(x *gnode, part tensor.Shape) *gnode {
	full := x.n.Shape().Clone()
	if full.Eq(part) {
		return x
	}
	part = part.Clone()
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(part)
		o, xs := gData(out), gData(in[0])
		gBcastRows(full, part, func(off, poff, n, ps int) {
			row := xs[off : off+n]
			if ps == 0 {
				var s float32
				for _, v := range row {
					s += v
				}
				o[poff] += s
				return
			}
			dst := o[poff : poff+n]
			for i, v := range row {
				dst[i] += v
			}
		})
		return out, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode {
		return []*gnode{g.expand(gout, full)}
	}
	return g.apply("SumTo", part, k, back, x)
}

// expand adds a node that broadcasts x (node shape part) to shape full,
// copying. Its gradient is sumTo.
func (g *Graph) expand(x *gnode, full tensor.Shape) *gnode {
	part := x.n.Shape().Clone()
	if full.Eq(part) {
		return x
	}
	full = full.Clone()
	k := func(in []*tensor.Dense) (*tensor.Dense, error) {
		out := gZeros(full)
		o, xs := gData(out), gData(in[0])
		gBcastRows(full, part, func(off, poff, n, ps int) {
			dst := o[off : off+n]
			if ps == 0 {
				v := xs[poff]
				for i := range dst {
					dst[i] = v
				}
				return
			}
			copy(dst, xs[poff:poff+n])
		})
		return out, nil
	}
	back := func(gout *gnode, _ []bool) []*gnode {
		return []*gnode{g.sumTo(gout, part)}
	}
	return g.apply("Expand", full, k, back, x)
}
