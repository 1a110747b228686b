package synth

import (
	"encoding/json"
	"fmt"
	"os"
)

// Meta is the ground truth of one video, written as meta/ID.json. It is the
// contract with the dataset readers, the metrics and the training programs.
//
// Times: frame t (0-based) shows the world at t/FPS seconds. An event or
// query active over the frames [a, b] (inclusive) has the span
// [a/FPS, (b+1)/FPS) seconds: Start = a/FPS, End = (b+1)/FPS. Duration is
// Frames/FPS.
type Meta struct {
	ID       string  `json:"id"`
	Split    string  `json:"split"`
	Seed     uint64  `json:"seed"`
	Index    int     `json:"index"`
	FPS      float64 `json:"fps"`
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	Frames   int     `json:"frames"`
	Duration float64 `json:"duration"`
	// CameraX is the horizontal camera offset per frame in pixels (the
	// frame shows world x in [CameraX[t], CameraX[t]+Width)); all zeros
	// without a pan.
	CameraX  []float64 `json:"camera_x"`
	Entities []Entity  `json:"entities"`
	// Events are sorted by start frame, then kind, then entities.
	Events  []Event `json:"events"`
	Queries []Query `json:"queries"`
	QA      []QA    `json:"qa"`
	Tracks  []Track `json:"tracks"`
}

// Entity is one object of a video. Colour is its colour in the first frame
// (a "colour_change" event changes it later). Description is the shortest
// unambiguous reference among the video's entities ("the red circle", or
// "the large red circle" when a small red circle is also there), built from
// the first-frame attributes; queries and questions use it.
type Entity struct {
	ID          int    `json:"id"`
	Colour      string `json:"colour"`
	Shape       string `json:"shape"`
	Size        string `json:"size"`
	Description string `json:"description"`
	// Layer is the depth: entities of one layer collide and touch, an
	// entity of a higher layer passes in front of lower ones. Drawing order
	// is by (Layer, ID), later on top.
	Layer int `json:"layer"`
}

// Event kinds. Each is a maximal run of frames where a predicate of the
// simulation holds; see the Event doc comment.
const (
	KindEnters       = "enters"
	KindLeaves       = "leaves"
	KindMoves        = "moves"
	KindStill        = "still"
	KindTouches      = "touches"
	KindOccludes     = "occludes"
	KindColourChange = "colour_change"
	KindDisappears   = "disappears"
	KindReappears    = "reappears"
)

// Event is a maximal run of frames [StartFrame, EndFrame] (inclusive) over
// which one predicate of the simulation holds; Start and End are its span in
// seconds (see Meta). An entity is "in the frame" when at least one pixel
// centre of its outline (occluded or not) lies in the frame, and "fully in"
// when all of them do. The kinds:
//
//   - enters [e]: e is partly in the frame, the frame before it was out and
//     the frame after it is fully in.
//   - leaves [e]: e is partly in the frame, fully in before and out after.
//   - moves [e] / still [e]: e is in the frame, present at full size, and
//     moves (or does not move) between this frame and the next.
//   - touches [a, b] (a < b, same layer): both in the frame and the
//     distance between their outlines is at most TouchTolerance pixels.
//   - occludes [front, back]: back is in the frame and front, drawn above
//     it, covers at least OccludedFraction of back's in-frame pixels.
//   - colour_change [e]: e's colour blends from From to Colour.
//   - disappears [e]: e shrinks to nothing; reappears [e]: e grows back
//     (elsewhere) after being absent.
type Event struct {
	Kind       string  `json:"kind"`
	Entities   []int   `json:"entities"`
	StartFrame int     `json:"start_frame"`
	EndFrame   int     `json:"end_frame"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	// Colour and From are the new and old colour names of a colour_change.
	Colour string `json:"colour,omitempty"`
	From   string `json:"from,omitempty"`
}

// Contact and occlusion thresholds of the event predicates.
const (
	TouchTolerance   = 0.5  // pixels between outlines
	OccludedFraction = 0.25 // of the back entity's in-frame pixels
)

// Relations of a query's target event to the rest of the video.
const (
	RelationPlain   = "plain"   // the only event of its kind and entities
	RelationOrdinal = "ordinal" // the Ordinal-th (1-based) of its kind and entities
	RelationAfter   = "after"   // the first of its kind and entities starting at or after the anchor's end
	RelationBefore  = "before"  // the last of its kind and entities ending at or before the anchor's start
	RelationWhile   = "while"   // the only one of its kind and entities overlapping the anchor; the span is the overlap
)

// Query is a grounding query with its exact span. Target (and Anchor, for
// after/before/while) index Meta.Events; the span is the target's span,
// except for RelationWhile where it is the intersection of the target's and
// the anchor's frames. Entities lists every entity the text names.
type Query struct {
	Text       string  `json:"text"`
	Template   string  `json:"template"`
	Relation   string  `json:"relation"`
	Ordinal    int     `json:"ordinal,omitempty"`
	Target     int     `json:"target"`
	Anchor     *int    `json:"anchor,omitempty"`
	StartFrame int     `json:"start_frame"`
	EndFrame   int     `json:"end_frame"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Entities   []int   `json:"entities"`
}

// QA kinds.
const (
	QAColour  = "colour"   // which colour
	QAShape   = "shape"    // which shape
	QAHowMany = "how_many" // how many times
	QAYesNo   = "yes_no"   // does X happen before Y
	QAAfter   = "after"    // what happens after
)

// QA is a grounded multiple-choice question in the NExT-GQA style, one line
// of qa.jsonl. Answer indexes Choices (always 5); Evidence holds the spans in
// seconds, [start, end), that show the answer.
type QA struct {
	Video      string       `json:"video"`
	QID        int          `json:"qid"`
	Question   string       `json:"question"`
	Choices    []string     `json:"choices"`
	Answer     int          `json:"answer"`
	AnswerText string       `json:"answer_text"`
	Kind       string       `json:"kind"`
	Evidence   [][2]float64 `json:"evidence"`
}

// Box is a bounding box [x0, y0, x1, y1] in pixels, x1 and y1 exclusive:
// it covers x0 <= x < x1, y0 <= y < y1.
type Box [4]int

// Track is one entity's visible region in every frame. Boxes[t] is the
// tight box of Masks[t]; both are nil (JSON null) when no pixel of the
// entity is visible (out of the frame, absent, or hidden by entities drawn
// above it). Masks[t] is the run-length encoding of the visible mask (see
// EncodeRLE): a pixel belongs to the topmost entity whose outline holds the
// pixel centre, so the masks of one frame are disjoint.
type Track struct {
	Entity int     `json:"entity"`
	Boxes  []*Box  `json:"boxes"`
	Masks  [][]int `json:"masks"`
}

// Mask decodes the mask of frame t into a width*height row-major slice;
// a nil (absent) mask decodes to all false.
func (tr *Track) Mask(t, width, height int) ([]bool, error) {
	if t < 0 || t >= len(tr.Masks) {
		return nil, fmt.Errorf("synth: entity %d: frame %d out of range [0, %d)", tr.Entity, t, len(tr.Masks))
	}
	if tr.Masks[t] == nil {
		return make([]bool, width*height), nil
	}
	m, err := DecodeRLE(tr.Masks[t], width, height)
	if err != nil {
		return nil, fmt.Errorf("synth: entity %d frame %d: %w", tr.Entity, t, err)
	}
	return m, nil
}

// frameSpan converts inclusive frames [a, b] to seconds [a/fps, (b+1)/fps).
func frameSpan(a, b int, fps float64) (start, end float64) {
	return float64(a) / fps, float64(b+1) / fps
}

// ReadMeta reads a meta/ID.json file and checks the indices readers rely
// on (see ParseMeta). Errors name the file.
func ReadMeta(path string) (*Meta, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("synth: read meta: %w", err)
	}
	m, err := ParseMeta(b)
	if err != nil {
		return nil, fmt.Errorf("synth: meta %s: %w", path, err)
	}
	return m, nil
}

// ParseMeta decodes a meta JSON document and checks it: positive fps, size
// and frame count; one box and one mask per frame in every track; events
// inside the video naming existing entities; queries whose target and
// anchor index the events and whose frames lie inside the video.
func ParseMeta(b []byte) (*Meta, error) {
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// check validates the invariants readers rely on.
func (m *Meta) check() error {
	switch {
	case m.ID == "":
		return fmt.Errorf("no id")
	case !(m.FPS > 0) || m.Width <= 0 || m.Height <= 0 || m.Frames <= 0:
		return fmt.Errorf("fps %v, size %dx%d, %d frames: want positive values", m.FPS, m.Width, m.Height, m.Frames)
	}
	entity := func(id int) bool { return id >= 0 && id < len(m.Entities) }
	frames := func(a, b int) bool { return a >= 0 && a <= b && b < m.Frames }
	for i, tr := range m.Tracks {
		if !entity(tr.Entity) || len(tr.Boxes) != m.Frames || len(tr.Masks) != m.Frames {
			return fmt.Errorf("track %d: entity %d, %d boxes and %d masks for %d entities and %d frames",
				i, tr.Entity, len(tr.Boxes), len(tr.Masks), len(m.Entities), m.Frames)
		}
	}
	for i, e := range m.Events {
		if !frames(e.StartFrame, e.EndFrame) {
			return fmt.Errorf("event %d: frames [%d, %d] outside [0, %d)", i, e.StartFrame, e.EndFrame, m.Frames)
		}
		for _, id := range e.Entities {
			if !entity(id) {
				return fmt.Errorf("event %d: entity %d of %d", i, id, len(m.Entities))
			}
		}
	}
	for i, q := range m.Queries {
		switch {
		case q.Target < 0 || q.Target >= len(m.Events) || q.Anchor != nil && (*q.Anchor < 0 || *q.Anchor >= len(m.Events)):
			return fmt.Errorf("query %d: target or anchor outside the %d events", i, len(m.Events))
		case !frames(q.StartFrame, q.EndFrame):
			return fmt.Errorf("query %d: frames [%d, %d] outside [0, %d)", i, q.StartFrame, q.EndFrame, m.Frames)
		}
	}
	return nil
}
