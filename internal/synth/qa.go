package synth

import (
	"math/rand/v2"
	"slices"
	"strconv"
)

// qaGen draws grounded multiple-choice questions from the event log.
type qaGen struct {
	r      *rand.Rand
	x      *eventIndex
	specs  []entitySpec
	desc   []string
	states [][]entFrame
}

// qaKind reports whether questions may be asked about events of this kind
// (moves and still are too frequent to make good questions).
func qaKind(kind string) bool { return kind != KindMoves && kind != KindStill }

// verb is event e's verb phrase with entity s as its subject, in the
// present ("touches the red circle") or the base form ("touch the red
// circle"). ok is false when s has no role in e or the kind has no phrase.
func (g *qaGen) verb(e *Event, s int, base bool) (string, bool) {
	k := slices.Index(e.Entities, s)
	if k < 0 {
		return "", false
	}
	pick := func(present, bare string) string {
		if base {
			return bare
		}
		return present
	}
	other := ""
	if len(e.Entities) == 2 {
		other = g.desc[e.Entities[1-k]]
	}
	switch e.Kind {
	case KindEnters:
		return pick("enters the frame", "enter the frame"), true
	case KindLeaves:
		return pick("leaves the frame", "leave the frame"), true
	case KindTouches:
		return pick("touches ", "touch ") + other, true
	case KindOccludes:
		if k == 0 {
			return pick("passes in front of ", "pass in front of ") + other, true
		}
		return pick("is hidden behind ", "get hidden behind ") + other, true
	case KindColourChange:
		return pick("changes colour", "change colour"), true
	case KindDisappears:
		return pick("disappears", "disappear"), true
	case KindReappears:
		return pick("reappears", "reappear"), true
	}
	return "", false
}

// sameRole returns the entity that plays s's role in event f when f has
// e's kind and the same other participants as e (s's role in e), or -1.
func sameRole(e, f *Event, s int) int {
	if e.Kind != f.Kind {
		return -1
	}
	k := slices.Index(e.Entities, s)
	switch {
	case len(e.Entities) == 1:
		return f.Entities[0]
	case e.Kind == KindTouches:
		other := e.Entities[1-k]
		if j := slices.Index(f.Entities, other); j >= 0 {
			return f.Entities[1-j]
		}
	case f.Entities[1-k] == e.Entities[1-k]:
		return f.Entities[k]
	}
	return -1
}

func (g *qaGen) span(i int) [2]float64 {
	e := &g.x.events[i]
	return [2]float64{e.Start, e.End}
}

// choices shuffles the answer among four distinct distractors from pool.
func (g *qaGen) choices(answer string, pool []string) ([]string, int, bool) {
	var out []string
	for _, p := range pool {
		if p != answer && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) < 4 {
		return nil, 0, false
	}
	out = out[:4]
	k := g.r.IntN(5)
	return slices.Insert(out, k, answer), k, true
}

// subjects lists (event, subject) pairs of question-worthy events in a
// random order.
func (g *qaGen) subjects() [][2]int {
	var out [][2]int
	for i, e := range g.x.events {
		if qaKind(e.Kind) {
			for _, s := range e.Entities {
				out = append(out, [2]int{i, s})
			}
		}
	}
	g.r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// attribute asks "what colour is the SHAPE that ..." or "what shape is the
// COLOUR object that ...", about the only entity of that shape (colour, at
// the event's start) that takes part in such an event.
func (g *qaGen) attribute(colour bool) (QA, bool) {
	ev := g.x.events
	attr := func(s, frame int) string {
		if colour {
			return shapes[g.specs[s].shape].name
		}
		return colours[g.states[frame][s].colour].name
	}
	for _, c := range g.subjects() {
		i, s := c[0], c[1]
		e := &ev[i]
		if e.Kind == KindColourChange {
			continue
		}
		vp, _ := g.verb(e, s, false)
		n := 0
		for j := range ev {
			if s2 := sameRole(e, &ev[j], s); s2 >= 0 && attr(s2, ev[j].StartFrame) == attr(s, e.StartFrame) {
				n++
			}
		}
		if n != 1 {
			continue
		}
		var q QA
		var pool []string
		if colour {
			q.Kind, q.AnswerText = QAColour, colours[g.states[e.StartFrame][s].colour].name
			q.Question = "what colour is the " + attr(s, e.StartFrame) + " that " + vp + "?"
			for _, sp := range g.specs {
				pool = append(pool, colours[sp.colour].name)
			}
			for _, k := range g.r.Perm(len(colours)) {
				pool = append(pool, colours[k].name)
			}
		} else {
			q.Kind, q.AnswerText = QAShape, shapes[g.specs[s].shape].name
			q.Question = "what shape is the " + attr(s, e.StartFrame) + " object that " + vp + "?"
			for _, sp := range g.specs {
				pool = append(pool, shapes[sp.shape].name)
			}
			for _, k := range g.r.Perm(len(shapes)) {
				pool = append(pool, shapes[k].name)
			}
		}
		var ok bool
		if q.Choices, q.Answer, ok = g.choices(q.AnswerText, pool); !ok {
			continue
		}
		q.Evidence = [][2]float64{g.span(i)}
		return q, true
	}
	return QA{}, false
}

// howMany asks how many times an entity does something; the choices are
// five consecutive counts around the answer, shuffled, and the evidence is
// every such event.
func (g *qaGen) howMany() (QA, bool) {
	for _, c := range g.subjects() {
		i, s := c[0], c[1]
		e := &g.x.events[i]
		if e.Kind == KindOccludes {
			continue
		}
		vp, _ := g.verb(e, s, true)
		grp := g.x.group[i]
		q := QA{Kind: QAHowMany, Question: "how many times does " + g.desc[s] + " " + vp + "?", AnswerText: strconv.Itoa(len(grp))}
		lo := max(0, len(grp)-g.r.IntN(5))
		for k := lo; k < lo+5; k++ {
			q.Choices = append(q.Choices, strconv.Itoa(k))
		}
		g.r.Shuffle(5, func(a, b int) { q.Choices[a], q.Choices[b] = q.Choices[b], q.Choices[a] })
		q.Answer = slices.Index(q.Choices, q.AnswerText)
		for _, j := range grp {
			q.Evidence = append(q.Evidence, g.span(j))
		}
		return q, true
	}
	return QA{}, false
}

// Answers of yes-no questions, in the order of their choices before shuffling.
var yesNoChoices = []string{"yes", "no", "they start at the same time", "neither of them happens", "only one of them happens"}

// yesNo asks whether one event starts before another; both are the only
// events of their kind and entities.
func (g *qaGen) yesNo() (QA, bool) {
	ev := g.x.events
	var uniq []int
	for i, e := range ev {
		if qaKind(e.Kind) && len(g.x.group[i]) == 1 {
			uniq = append(uniq, i)
		}
	}
	if len(uniq) < 2 {
		return QA{}, false
	}
	for range 10 {
		xi, yi := uniq[g.r.IntN(len(uniq))], uniq[g.r.IntN(len(uniq))]
		if xi == yi {
			continue
		}
		x := &ev[xi]
		s := x.Entities[g.r.IntN(len(x.Entities))]
		vp, _ := g.verb(x, s, true)
		qg := queryGen{r: g.r, x: g.x, desc: g.desc}
		_, y := qg.clause(yi)
		q := QA{Kind: QAYesNo, Question: "does " + g.desc[s] + " " + vp + " before " + y + "?"}
		switch {
		case x.StartFrame < ev[yi].StartFrame:
			q.AnswerText = "yes"
		case x.StartFrame > ev[yi].StartFrame:
			q.AnswerText = "no"
		default:
			q.AnswerText = yesNoChoices[2]
		}
		q.Choices = slices.Clone(yesNoChoices)
		g.r.Shuffle(5, func(a, b int) { q.Choices[a], q.Choices[b] = q.Choices[b], q.Choices[a] })
		q.Answer = slices.Index(q.Choices, q.AnswerText)
		q.Evidence = [][2]float64{g.span(xi), g.span(yi)}
		return q, true
	}
	return QA{}, false
}

// next asks what an entity does right after an event that is the only one
// of its kind and entities: the answer is the entity's earliest
// question-worthy event starting after that event ends, when no other
// starts in the same frame.
func (g *qaGen) next() (QA, bool) {
	ev := g.x.events
	for _, c := range g.subjects() {
		i, s := c[0], c[1]
		if len(g.x.group[i]) != 1 {
			continue
		}
		best, tie := -1, false
		for j := range ev {
			if !qaKind(ev[j].Kind) || !slices.Contains(ev[j].Entities, s) || ev[j].StartFrame <= ev[i].EndFrame {
				continue
			}
			switch {
			case best < 0 || ev[j].StartFrame < ev[best].StartFrame:
				best, tie = j, false
			case ev[j].StartFrame == ev[best].StartFrame:
				tie = true
			}
		}
		if best < 0 || tie {
			continue
		}
		anchor, _ := g.verb(&ev[i], s, false)
		answer := g.itDoes(&ev[best], s)
		var pool []string
		for _, k := range g.r.Perm(len(ev)) {
			if qaKind(ev[k].Kind) {
				for _, o := range ev[k].Entities {
					if o != s && !slices.Contains(ev[k].Entities, s) {
						pool = append(pool, g.itDoes(&ev[k], o))
					}
				}
			}
		}
		for _, p := range []string{"it enters the frame", "it leaves the frame", "it disappears", "it reappears"} {
			pool = append(pool, p)
		}
		g.r.Shuffle(len(pool), func(a, b int) { pool[a], pool[b] = pool[b], pool[a] })
		q := QA{Kind: QAAfter, Question: "what does " + g.desc[s] + " do right after it " + anchor + "?", AnswerText: answer}
		var ok bool
		if q.Choices, q.Answer, ok = g.choices(answer, pool); !ok {
			continue
		}
		q.Evidence = [][2]float64{g.span(best)}
		return q, true
	}
	return QA{}, false
}

// itDoes phrases event e as done by s, with "it" as the subject.
func (g *qaGen) itDoes(e *Event, s int) string {
	if e.Kind == KindColourChange {
		return "it turns " + e.Colour
	}
	vp, _ := g.verb(e, s, false)
	return "it " + vp
}

// makeQA draws up to n questions of distinct texts, cycling through the
// kinds from a random start.
func makeQA(r *rand.Rand, x *eventIndex, specs []entitySpec, desc []string, states [][]entFrame, id string, n int) []QA {
	g := &qaGen{r: r, x: x, specs: specs, desc: desc, states: states}
	makers := []func() (QA, bool){
		func() (QA, bool) { return g.attribute(true) },
		func() (QA, bool) { return g.attribute(false) },
		g.howMany, g.yesNo, g.next,
	}
	start := r.IntN(len(makers))
	var out []QA
	seen := map[string]bool{}
	for k := 0; len(out) < n && k < 4*n*len(makers); k++ {
		q, ok := makers[(start+k)%len(makers)]()
		if !ok || seen[q.Question] {
			continue
		}
		seen[q.Question] = true
		q.Video, q.QID = id, len(out)
		out = append(out, q)
	}
	return out
}
