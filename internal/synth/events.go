package synth

import (
	"math"
	"slices"
)

// frameStatus is where an entity's outline is relative to the frame.
type frameStatus uint8

const (
	statusNone    frameStatus = iota // shrinking, absent or growing
	statusOut                        // no outline pixel in the frame
	statusPartial                    // some outline pixels in the frame
	statusFull                       // every outline pixel in the frame
)

// predicates holds, per frame, every predicate the events are runs of.
type predicates struct {
	n, frames int
	status    [][]frameStatus // [entity][frame]
	moves     [][]bool        // [entity][frame]
	still     [][]bool
	recolour  [][]bool
	shrink    [][]bool
	grow      [][]bool
	touches   [][]bool // [a*n+b][frame], a < b
	occludes  [][]bool // [front*n+back][frame]
}

func newPredicates(n, frames int) *predicates {
	mk := func(k int) [][]bool {
		out := make([][]bool, k)
		for i := range out {
			out[i] = make([]bool, frames)
		}
		return out
	}
	p := &predicates{n: n, frames: frames, moves: mk(n), still: mk(n), recolour: mk(n), shrink: mk(n), grow: mk(n),
		touches: mk(n * n), occludes: mk(n * n), status: make([][]frameStatus, n)}
	for i := range p.status {
		p.status[i] = make([]frameStatus, frames)
	}
	return p
}

// observe evaluates the predicates of frame t from the simulated states and
// the frame's rasterization.
func (p *predicates) observe(t int, ents []entFrame, r *rasterizer) {
	for e := range ents {
		st := &ents[e]
		full := st.phase == phaseNormal || st.phase == phaseRecolour
		in := len(r.pix[e]) > 0
		switch {
		case !full:
			p.status[e][t] = statusNone
		case !in:
			p.status[e][t] = statusOut
		case len(r.pix[e]) == r.total[e]:
			p.status[e][t] = statusFull
		default:
			p.status[e][t] = statusPartial
		}
		p.moves[e][t] = full && in && st.moving
		p.still[e][t] = full && in && !st.moving
		p.recolour[e][t] = st.phase == phaseRecolour
		p.shrink[e][t] = st.phase == phaseShrink
		p.grow[e][t] = st.phase == phaseGrow
	}
	for a := range ents {
		for b := range ents {
			if a == b || len(r.pix[a]) == 0 || len(r.pix[b]) == 0 {
				continue
			}
			if a < b && r.specs[a].layer == r.specs[b].layer {
				sa, sb := &ents[a], &ents[b]
				reach := r.specs[a].bound()*sa.scale + r.specs[b].bound()*sb.scale + TouchTolerance
				if math.Hypot(sa.pos.x-sb.pos.x, sa.pos.y-sb.pos.y) <= reach && gap(r.polys[a], r.polys[b]) <= TouchTolerance {
					p.touches[a*p.n+b][t] = true
				}
			}
			if r.rank[a] > r.rank[b] && float64(r.covered(a, b)) >= OccludedFraction*float64(len(r.pix[b])) {
				p.occludes[a*p.n+b][t] = true
			}
		}
	}
}

// runs returns the maximal runs [a, b] of true values.
func runs(v []bool) [][2]int {
	var out [][2]int
	for t := 0; t < len(v); t++ {
		if !v[t] {
			continue
		}
		a := t
		for t+1 < len(v) && v[t+1] {
			t++
		}
		out = append(out, [2]int{a, t})
	}
	return out
}

var kindOrder = map[string]int{KindEnters: 0, KindLeaves: 1, KindMoves: 2, KindStill: 3, KindTouches: 4,
	KindOccludes: 5, KindColourChange: 6, KindDisappears: 7, KindReappears: 8}

// events turns the predicates into the sorted event log.
func (p *predicates) events(states [][]entFrame, fps float64) []Event {
	var out []Event
	add := func(kind string, ents []int, r [2]int) *Event {
		s, e := frameSpan(r[0], r[1], fps)
		out = append(out, Event{Kind: kind, Entities: ents, StartFrame: r[0], EndFrame: r[1], Start: s, End: e})
		return &out[len(out)-1]
	}
	for e := 0; e < p.n; e++ {
		st := p.status[e]
		partial := make([]bool, p.frames)
		for t, s := range st {
			partial[t] = s == statusPartial
		}
		for _, r := range runs(partial) {
			if r[0] == 0 || r[1] == p.frames-1 {
				continue
			}
			before, after := st[r[0]-1], st[r[1]+1]
			switch {
			case before == statusOut && after == statusFull:
				add(KindEnters, []int{e}, r)
			case before == statusFull && after == statusOut:
				add(KindLeaves, []int{e}, r)
			}
		}
		for _, r := range runs(p.moves[e]) {
			add(KindMoves, []int{e}, r)
		}
		for _, r := range runs(p.still[e]) {
			add(KindStill, []int{e}, r)
		}
		for _, r := range runs(p.recolour[e]) {
			ev := add(KindColourChange, []int{e}, r)
			ev.From, ev.Colour = colours[states[r[0]][e].colour].name, colours[states[r[0]][e].target].name
		}
		for _, r := range runs(p.shrink[e]) {
			add(KindDisappears, []int{e}, r)
		}
		for _, r := range runs(p.grow[e]) {
			add(KindReappears, []int{e}, r)
		}
	}
	for a := 0; a < p.n; a++ {
		for b := 0; b < p.n; b++ {
			for _, r := range runs(p.touches[a*p.n+b]) {
				add(KindTouches, []int{a, b}, r)
			}
			for _, r := range runs(p.occludes[a*p.n+b]) {
				add(KindOccludes, []int{a, b}, r)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Event) int {
		if x.StartFrame != y.StartFrame {
			return x.StartFrame - y.StartFrame
		}
		if x.Kind != y.Kind {
			return kindOrder[x.Kind] - kindOrder[y.Kind]
		}
		return slices.Compare(x.Entities, y.Entities)
	})
	return out
}
