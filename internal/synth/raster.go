package synth

import (
	"math"
	"slices"
)

// rasterizer turns one frame's entity states into pixels: a pixel belongs
// to an entity when its centre (x+0.5, y+0.5) lies inside the entity's
// outline; entities are drawn in (layer, id) order, later on top.
type rasterizer struct {
	w, h   int
	specs  []entitySpec
	order  []int     // drawing order, bottom first
	rank   []int     // rank[e] = position of e in order
	owner  []int8    // per pixel, row-major: the topmost entity, or -1
	pix    [][]int32 // per entity: its outline's in-frame pixels, ascending
	total  []int     // per entity: outline pixels, in the frame or not
	polys  [][]vec   // per entity: outline in world coordinates
	stamp  []int32
	stampN int32
}

func newRasterizer(w, h int, specs []entitySpec) *rasterizer {
	r := &rasterizer{w: w, h: h, specs: specs, owner: make([]int8, w*h), stamp: make([]int32, w*h),
		pix: make([][]int32, len(specs)), total: make([]int, len(specs)), polys: make([][]vec, len(specs)),
		rank: make([]int, len(specs))}
	for i := range specs {
		r.order = append(r.order, i)
	}
	slices.SortStableFunc(r.order, func(a, b int) int { return specs[a].layer - specs[b].layer })
	for k, e := range r.order {
		r.rank[e] = k
	}
	return r
}

// draw rasterizes the entities of one frame seen by a camera at cx.
func (r *rasterizer) draw(ents []entFrame, cx float64) {
	for i := range r.owner {
		r.owner[i] = -1
	}
	for _, e := range r.order {
		st := &ents[e]
		sp := &r.specs[e]
		r.pix[e], r.total[e] = r.pix[e][:0], 0
		r.polys[e] = place(r.polys[e], shapes[sp.shape].unit, st.pos, sp.radius*st.scale)
		if st.scale <= 0 {
			continue
		}
		x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, v := range r.polys[e] {
			x0, y0, x1, y1 = math.Min(x0, v.x-cx), math.Min(y0, v.y), math.Max(x1, v.x-cx), math.Max(y1, v.y)
		}
		for py := int(math.Floor(y0 - 0.5)); py <= int(math.Ceil(y1-0.5)); py++ {
			for px := int(math.Floor(x0 - 0.5)); px <= int(math.Ceil(x1-0.5)); px++ {
				if !contains(r.polys[e], float64(px)+0.5+cx, float64(py)+0.5) {
					continue
				}
				r.total[e]++
				if px >= 0 && px < r.w && py >= 0 && py < r.h {
					idx := int32(py*r.w + px)
					r.pix[e] = append(r.pix[e], idx)
					r.owner[idx] = int8(e)
				}
			}
		}
	}
}

// visible returns entity e's visible pixels (ascending) and their tight box,
// or nil when none is visible.
func (r *rasterizer) visible(e int, dst []int32) ([]int32, *Box) {
	dst = dst[:0]
	var b Box
	for _, idx := range r.pix[e] {
		if r.owner[idx] != int8(e) {
			continue
		}
		x, y := int(idx)%r.w, int(idx)/r.w
		if len(dst) == 0 {
			b = Box{x, y, x + 1, y + 1}
		}
		b = Box{min(b[0], x), min(b[1], y), max(b[2], x+1), max(b[3], y+1)}
		dst = append(dst, idx)
	}
	if len(dst) == 0 {
		return dst, nil
	}
	return dst, &b
}

// covered returns how many of back's in-frame outline pixels lie inside
// front's outline.
func (r *rasterizer) covered(front, back int) int {
	r.stampN++
	for _, idx := range r.pix[back] {
		r.stamp[idx] = r.stampN
	}
	n := 0
	for _, idx := range r.pix[front] {
		if r.stamp[idx] == r.stampN {
			n++
		}
	}
	return n
}
