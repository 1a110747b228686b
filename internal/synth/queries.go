package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// eventIndex groups the event log by (kind, entities): group[i] lists, by
// start frame, the events of event i's kind with the same entities.
type eventIndex struct {
	events []Event
	key    []string
	group  [][]int
}

func newEventIndex(events []Event) *eventIndex {
	x := &eventIndex{events: events, key: make([]string, len(events)), group: make([][]int, len(events))}
	by := map[string][]int{}
	for i, e := range events {
		x.key[i] = fmt.Sprint(e.Kind, e.Entities)
		by[x.key[i]] = append(by[x.key[i]], i)
	}
	for i := range events {
		x.group[i] = by[x.key[i]]
	}
	return x
}

// queryGen draws grounding queries from the event log.
type queryGen struct {
	r    *rand.Rand
	x    *eventIndex
	desc []string
	fps  float64
}

// clause renders event i with a random clause template of its kind.
func (g *queryGen) clause(i int) (id, text string) {
	e := &g.x.events[i]
	var cands []Template
	for _, t := range clauseTemplates {
		if t.Kind == e.Kind {
			cands = append(cands, t)
		}
	}
	t := cands[g.r.IntN(len(cands))]
	a, b := g.desc[e.Entities[0]], ""
	if len(e.Entities) > 1 {
		b = g.desc[e.Entities[1]]
		if e.Kind == KindTouches && g.r.IntN(2) == 0 {
			a, b = b, a
		}
	}
	return t.ID, fill(t.Pattern, "{A}", a, "{B}", b, "{C}", e.Colour)
}

func (g *queryGen) relation(kind string) Template {
	var cands []Template
	for _, t := range relationTemplates {
		if t.Kind == kind {
			cands = append(cands, t)
		}
	}
	return cands[g.r.IntN(len(cands))]
}

// makeQueries draws up to n queries with distinct target events. A target
// event lasts at least half a second (and two frames); it is named alone when it is the only event of its kind and
// entities, else by its ordinal, or relative to an anchor event that is the
// only one of its own kind and entities (see the Relation* constants).
func makeQueries(r *rand.Rand, events []Event, desc []string, fps float64, n int) []Query {
	g := &queryGen{r: r, x: newEventIndex(events), desc: desc, fps: fps}
	byKind := map[string][]int{}
	var kinds []string
	var anchors []int
	minLen := max(2, int(math.Round(fps/2)))
	for i, e := range events {
		if e.EndFrame-e.StartFrame+1 >= minLen {
			if len(byKind[e.Kind]) == 0 {
				kinds = append(kinds, e.Kind)
			}
			byKind[e.Kind] = append(byKind[e.Kind], i)
		}
		if len(g.x.group[i]) == 1 {
			anchors = append(anchors, i)
		}
	}
	slices.SortFunc(kinds, func(a, b string) int { return kindOrder[a] - kindOrder[b] })
	var out []Query
	seen := map[int]bool{}
	for attempt := 0; len(out) < n && len(kinds) > 0 && attempt < 50*n; attempt++ {
		cands := byKind[kinds[r.IntN(len(kinds))]]
		q, ok := g.query(cands[r.IntN(len(cands))], anchors, minLen)
		if !ok || seen[q.Target] {
			continue
		}
		seen[q.Target] = true
		out = append(out, q)
	}
	return out
}

// query builds one query about event ti (or, relative to an anchor, about
// the event of ti's group that the relation selects).
func (g *queryGen) query(ti int, anchors []int, minLen int) (Query, bool) {
	ev := g.x.events
	grp := g.x.group[ti]
	var q Query
	a, b := ev[ti].StartFrame, ev[ti].EndFrame
	switch p := g.r.Float64(); {
	case p < 0.3:
		if len(grp) != 1 {
			return q, false
		}
		q.Relation = RelationPlain
		q.Template, q.Text = g.clause(ti)
	case p < 0.5:
		k := slices.Index(grp, ti)
		if len(grp) < 2 || k >= len(ordinalWords) {
			return q, false
		}
		word := ordinalWords[k]
		if k == len(grp)-1 && g.r.IntN(2) == 0 {
			word = "last"
		}
		rt := g.relation(RelationOrdinal)
		id, x := g.clause(ti)
		q.Relation, q.Ordinal = RelationOrdinal, k+1
		q.Template, q.Text = rt.ID+"|"+id, fill(rt.Pattern, "{X}", x, "{N}", word)
	default:
		if len(anchors) == 0 {
			return q, false
		}
		ai := anchors[g.r.IntN(len(anchors))]
		an := &ev[ai]
		if g.x.key[ai] == g.x.key[ti] || slices.Equal(an.Entities, ev[ti].Entities) {
			return q, false
		}
		rel := [...]string{RelationAfter, RelationBefore, RelationWhile}[g.r.IntN(3)]
		ti = -1
		switch rel {
		case RelationAfter:
			for _, j := range grp {
				if ev[j].StartFrame > an.EndFrame {
					ti = j
					break
				}
			}
		case RelationBefore:
			for _, j := range grp {
				if ev[j].EndFrame < an.StartFrame {
					ti = j
				}
			}
		case RelationWhile:
			for _, j := range grp {
				if ev[j].StartFrame <= an.EndFrame && an.StartFrame <= ev[j].EndFrame {
					if ti >= 0 {
						return q, false
					}
					ti = j
				}
			}
		}
		if ti < 0 {
			return q, false
		}
		a, b = ev[ti].StartFrame, ev[ti].EndFrame
		if rel == RelationWhile {
			a, b = max(a, an.StartFrame), min(b, an.EndFrame)
		}
		if b-a+1 < minLen {
			return q, false
		}
		rt := g.relation(rel)
		xid, x := g.clause(ti)
		yid, y := g.clause(ai)
		q.Relation, q.Anchor = rel, &ai
		q.Template, q.Text = rt.ID+"|"+xid+"|"+yid, fill(rt.Pattern, "{X}", x, "{Y}", y)
		q.Entities = slices.Clone(an.Entities)
	}
	q.Target = ti
	q.StartFrame, q.EndFrame = a, b
	q.Start, q.End = frameSpan(a, b, g.fps)
	q.Entities = append(q.Entities, ev[ti].Entities...)
	slices.Sort(q.Entities)
	q.Entities = slices.Compact(q.Entities)
	return q, true
}
