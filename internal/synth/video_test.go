package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testConfigs are short videos covering both pan modes and crowded scenes.
var testConfigs = []Config{
	{MinDuration: 12, MaxDuration: 16, Pan: PanNever},
	{MinDuration: 12, MaxDuration: 16, Pan: PanAlways, MinEntities: 5, MaxEntities: 6},
	{Width: 96, Height: 64, FPS: 5, MinDuration: 10, MaxDuration: 14, Pan: PanAlways, MinEntities: 3, MaxEntities: 3},
}

// eachVideo runs f on 4 videos of every test configuration.
func eachVideo(t *testing.T, f func(t *testing.T, m *Meta)) {
	t.Helper()
	for c, cfg := range testConfigs {
		for i := range 4 {
			v, err := Generate(cfg, 7, i)
			if err != nil {
				t.Fatalf("config %d video %d: %v", c, i, err)
			}
			t.Run(fmt.Sprintf("config%d/%s", c, v.Meta.ID), func(t *testing.T) { f(t, v.Meta) })
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := testConfigs[1]
	// Generate out of order: a video depends on (cfg, seed, index) only.
	later, err := Generate(cfg, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(cfg, 3, 1); err != nil {
		t.Fatal(err)
	}
	again, err := Generate(cfg, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	// cmp.Diff over every mask is slow: compare the JSON, diff on failure.
	a, _ := json.Marshal(later.Meta)
	b, _ := json.Marshal(again.Meta)
	if !bytes.Equal(a, b) {
		t.Errorf("same (cfg, seed, index) gave different meta (-want +got):\n%s", cmp.Diff(later.Meta, again.Meta))
	}
	for _, f := range []int{0, later.Meta.Frames / 2, later.Meta.Frames - 1} {
		a, _ := later.Frame(f)
		b, _ := again.Frame(f)
		if !slices.Equal(a.Pix, b.Pix) {
			t.Errorf("frame %d differs between two generations", f)
		}
	}
	other, err := Generate(cfg, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(later.Meta.Tracks, other.Meta.Tracks) {
		t.Errorf("seeds 3 and 4 gave the same tracks")
	}
}

func TestVideoContent(t *testing.T) {
	kinds := map[string]int{}
	qaKinds := map[string]int{}
	relations := map[string]int{}
	var queries int
	eachVideo(t, func(t *testing.T, m *Meta) {
		for _, e := range m.Events {
			kinds[e.Kind]++
		}
		for _, q := range m.QA {
			qaKinds[q.Kind]++
		}
		for _, q := range m.Queries {
			relations[q.Relation]++
		}
		queries += len(m.Queries)
		if n := len(m.Entities); n < 2 || n > 6 && m.Width == 128 {
			t.Errorf("%d entities", n)
		}
		seen := map[string]bool{}
		for _, e := range m.Entities {
			if seen[e.Description] {
				t.Errorf("description %q used twice", e.Description)
			}
			seen[e.Description] = true
		}
	})
	// Over 12 videos every kind of event, question and relation occurs.
	for _, k := range []string{KindEnters, KindLeaves, KindMoves, KindStill, KindTouches, KindOccludes, KindColourChange, KindDisappears, KindReappears} {
		if kinds[k] == 0 {
			t.Errorf("no %s event in the test videos (%v)", k, kinds)
		}
	}
	for _, k := range []string{QAColour, QAShape, QAHowMany, QAYesNo, QAAfter} {
		if qaKinds[k] == 0 {
			t.Errorf("no %s question in the test videos (%v)", k, qaKinds)
		}
	}
	for _, k := range []string{RelationPlain, RelationOrdinal, RelationAfter, RelationBefore, RelationWhile} {
		if relations[k] == 0 {
			t.Errorf("no %s query in the test videos (%v)", k, relations)
		}
	}
	if queries < 12*4 {
		t.Errorf("%d queries in 12 videos, want at least 4 per video", queries)
	}
}

// TestQuerySpansFollowEventLog re-derives every query's span from the event
// log and the query's relation, independently of the generator.
func TestQuerySpansFollowEventLog(t *testing.T) {
	eachVideo(t, func(t *testing.T, m *Meta) {
		for qi, q := range m.Queries {
			target := m.Events[q.Target]
			var group []int
			for i, e := range m.Events {
				if e.Kind == target.Kind && slices.Equal(e.Entities, target.Entities) {
					group = append(group, i)
				}
			}
			anchorUnique := func() *Event {
				a := m.Events[*q.Anchor]
				n := 0
				for _, e := range m.Events {
					if e.Kind == a.Kind && slices.Equal(e.Entities, a.Entities) {
						n++
					}
				}
				if n != 1 {
					t.Errorf("query %d %q: anchor %d is one of %d events", qi, q.Text, *q.Anchor, n)
				}
				return &a
			}
			want := -1
			lo, hi := target.StartFrame, target.EndFrame
			switch q.Relation {
			case RelationPlain:
				if len(group) == 1 {
					want = group[0]
				}
			case RelationOrdinal:
				if q.Ordinal >= 1 && q.Ordinal <= len(group) {
					want = group[q.Ordinal-1]
				}
			case RelationAfter:
				a := anchorUnique()
				for _, i := range slices.Backward(group) {
					if m.Events[i].Start >= a.End {
						want = i
					}
				}
			case RelationBefore:
				a := anchorUnique()
				for _, i := range group {
					if m.Events[i].End <= a.Start {
						want = i
					}
				}
			case RelationWhile:
				a := anchorUnique()
				for _, i := range group {
					e := m.Events[i]
					if e.Start < a.End && a.Start < e.End {
						if want >= 0 {
							t.Errorf("query %d %q: two events overlap the anchor", qi, q.Text)
						}
						want = i
					}
				}
				lo, hi = max(lo, a.StartFrame), min(hi, a.EndFrame)
			default:
				t.Errorf("query %d: relation %q", qi, q.Relation)
			}
			if want != q.Target {
				t.Errorf("query %d %q (%s): target event %d, the log implies %d", qi, q.Text, q.Relation, q.Target, want)
			}
			gotSpan := [4]float64{float64(q.StartFrame), float64(q.EndFrame), q.Start, q.End}
			wantSpan := [4]float64{float64(lo), float64(hi), float64(lo) / m.FPS, float64(hi+1) / m.FPS}
			if diff := cmp.Diff(wantSpan, gotSpan); diff != "" {
				t.Errorf("query %d %q: span (-want +got):\n%s", qi, q.Text, diff)
			}
			for _, e := range q.Entities {
				if !strings.Contains(q.Text, m.Entities[e].Description) {
					t.Errorf("query %d %q does not name entity %d (%s)", qi, q.Text, e, m.Entities[e].Description)
				}
			}
		}
	})
}

// TestEventsMatchTracks checks the event log against the per-frame boxes
// and the events' own invariants.
func TestEventsMatchTracks(t *testing.T) {
	eachVideo(t, func(t *testing.T, m *Meta) {
		box := func(e, f int) *Box {
			if f < 0 || f >= m.Frames {
				return nil
			}
			return m.Tracks[e].Boxes[f]
		}
		occluded := func(e, f int) bool {
			for _, o := range m.Events {
				if o.Kind == KindOccludes && slices.Contains(o.Entities, e) && o.StartFrame <= f && f <= o.EndFrame {
					return true
				}
			}
			return false
		}
		for i, e := range m.Events {
			if e.StartFrame < 0 || e.EndFrame < e.StartFrame || e.EndFrame >= m.Frames {
				t.Fatalf("event %d: frames [%d, %d] of %d", i, e.StartFrame, e.EndFrame, m.Frames)
			}
			if e.Start != float64(e.StartFrame)/m.FPS || e.End != float64(e.EndFrame+1)/m.FPS {
				t.Errorf("event %d: span [%v, %v) for frames [%d, %d] at %v fps", i, e.Start, e.End, e.StartFrame, e.EndFrame, m.FPS)
			}
			a := e.Entities[0]
			switch e.Kind {
			case KindEnters, KindReappears:
				if box(a, e.StartFrame-1) != nil {
					t.Errorf("event %d %s of %d: visible in frame %d, before it", i, e.Kind, a, e.StartFrame-1)
				}
			case KindLeaves, KindDisappears:
				if box(a, e.EndFrame+1) != nil {
					t.Errorf("event %d %s of %d: visible in frame %d, after it", i, e.Kind, a, e.EndFrame+1)
				}
			case KindTouches:
				b := e.Entities[1]
				if a >= b || m.Entities[a].Layer != m.Entities[b].Layer {
					t.Errorf("event %d: touches between %d and %d (layers %d, %d)", i, a, b, m.Entities[a].Layer, m.Entities[b].Layer)
				}
				for f := e.StartFrame; f <= e.EndFrame; f++ {
					ba, bb := box(a, f), box(b, f)
					if ba == nil || bb == nil || occluded(a, f) || occluded(b, f) {
						continue
					}
					if g := max(ba[0]-bb[2], bb[0]-ba[2], ba[1]-bb[3], bb[1]-ba[3]); g > 1 {
						t.Errorf("event %d: %d and %d touch in frame %d but their boxes %v, %v are %d pixels apart", i, a, b, f, *ba, *bb, g)
					}
				}
			case KindOccludes:
				b := e.Entities[1]
				fa, fb := m.Entities[a], m.Entities[b]
				if fa.Layer < fb.Layer || fa.Layer == fb.Layer && a < b {
					t.Errorf("event %d: %d occludes %d but is drawn below it", i, a, b)
				}
			case KindColourChange:
				if e.Colour == "" || e.From == "" || e.Colour == e.From {
					t.Errorf("event %d: colour change from %q to %q", i, e.From, e.Colour)
				}
			}
		}
	})
}

// TestMasksMatchBoxes decodes every mask: its tight box is the track's box,
// absent masks go with absent boxes, and the masks of a frame are disjoint.
func TestMasksMatchBoxes(t *testing.T) {
	eachVideo(t, func(t *testing.T, m *Meta) {
		owner := make([]int, m.Width*m.Height)
		for f := range m.Frames {
			for i := range owner {
				owner[i] = -1
			}
			for _, tr := range m.Tracks {
				if (tr.Boxes[f] == nil) != (tr.Masks[f] == nil) {
					t.Fatalf("frame %d entity %d: box %v, mask %v", f, tr.Entity, tr.Boxes[f], tr.Masks[f])
				}
				mask, err := tr.Mask(f, m.Width, m.Height)
				if err != nil {
					t.Fatal(err)
				}
				var got *Box
				for i, on := range mask {
					if !on {
						continue
					}
					if owner[i] >= 0 {
						t.Fatalf("frame %d: pixel %d in the masks of %d and %d", f, i, owner[i], tr.Entity)
					}
					owner[i] = tr.Entity
					x, y := i%m.Width, i/m.Width
					if got == nil {
						got = &Box{x, y, x + 1, y + 1}
					}
					*got = Box{min(got[0], x), min(got[1], y), max(got[2], x+1), max(got[3], y+1)}
				}
				if diff := cmp.Diff(tr.Boxes[f], got); diff != "" {
					t.Fatalf("frame %d entity %d: box (-track +mask):\n%s", f, tr.Entity, diff)
				}
			}
		}
	})
}

// TestQAItems checks the multiple-choice structure and the answers that
// follow from the event log alone.
func TestQAItems(t *testing.T) {
	eachVideo(t, func(t *testing.T, m *Meta) {
		for _, q := range m.QA {
			if len(q.Choices) != 5 || q.Answer < 0 || q.Answer >= 5 || q.Choices[q.Answer] != q.AnswerText {
				t.Errorf("%q: answer %d %q among %q", q.Question, q.Answer, q.AnswerText, q.Choices)
			}
			if c := slices.Compact(slices.Sorted(slices.Values(q.Choices))); len(c) != len(q.Choices) {
				t.Errorf("%q: repeated choices %q", q.Question, q.Choices)
			}
			if q.Video != m.ID || len(q.Evidence) == 0 {
				t.Errorf("%q: video %q, evidence %v", q.Question, q.Video, q.Evidence)
			}
			for _, ev := range q.Evidence {
				if !(0 <= ev[0] && ev[0] < ev[1] && ev[1] <= m.Duration+1e-9) {
					t.Errorf("%q: evidence %v outside [0, %v]", q.Question, ev, m.Duration)
				}
			}
			if q.Kind == QAHowMany {
				if fmt.Sprint(len(q.Evidence)) != q.AnswerText {
					t.Errorf("%q: answer %s with %d evidence spans", q.Question, q.AnswerText, len(q.Evidence))
				}
			}
			if q.Kind == QAYesNo {
				want := map[bool]string{true: "yes", false: "no"}[q.Evidence[0][0] < q.Evidence[1][0]]
				if q.Evidence[0][0] == q.Evidence[1][0] {
					want = "they start at the same time"
				}
				if q.AnswerText != want {
					t.Errorf("%q: answer %q, the evidence %v implies %q", q.Question, q.AnswerText, q.Evidence, want)
				}
			}
		}
	})
}

func TestFrameErrors(t *testing.T) {
	v, err := Generate(testConfigs[2], 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Frame(v.Meta.Frames); err == nil {
		t.Errorf("Frame(%d) of %d frames succeeded", v.Meta.Frames, v.Meta.Frames)
	}
	if err := v.RGB(0, make([]byte, 10)); err == nil {
		t.Errorf("RGB into 10 bytes succeeded")
	}
	if _, err := Generate(Config{}, 1, -1); err == nil {
		t.Errorf("Generate with index -1 succeeded")
	}
	img, err := v.Frame(0)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 96 || b.Dy() != 64 {
		t.Errorf("frame bounds %v, want 96x64", b)
	}
}
