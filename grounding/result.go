package grounding

import (
	"github.com/videodit/videodit/segment"
)

// Result is what Ground finds for one query in one video. It marshals to
// JSON; per-frame masks travel as bounding boxes and pixel areas (Entity),
// the full masks stay in Entity.Masks for drawing (DrawOverlay) and are not
// marshalled.
type Result struct {
	// Query is the text grounded.
	Query string `json:"query"`
	// Source names the video (Video.Source).
	Source string `json:"source,omitempty"`
	// Frames is T, the number of sampled frames; Duration the clip length
	// in seconds.
	Frames   int     `json:"frames"`
	Duration float64 `json:"duration"`
	// Repeated reports that the video had fewer than T frames and was
	// sampled with repetition (Video.Repeated).
	Repeated bool `json:"repeated,omitempty"`
	// Spans are the ranked spans, best first (Eq. 16 with suppression).
	Spans []Span `json:"spans"`
	// Entities are the query's kept noun phrases and their tracks, in
	// query order.
	Entities []Entity `json:"entities"`
	// Dropped are the noun phrases grounded in no frame.
	Dropped []string `json:"dropped,omitempty"`
	// Start is the first frame of the tracks (t_s of Eq. 4), -1 when the
	// entities never co-occur long enough.
	Start int `json:"start"`
}

// Span is one ranked answer: the inclusive frame span [StartFrame,
// EndFrame], the same span in seconds [Start, End) (heads.SpanSeconds) and
// its score p_s(StartFrame) * p_e(EndFrame).
type Span struct {
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	StartFrame int     `json:"start_frame"`
	EndFrame   int     `json:"end_frame"`
	Score      float64 `json:"score"`
}

// Entity is one noun phrase of the query followed through the video.
// Boxes[t] is the bounding box of its mask in frame t, nil where the mask
// is empty; Areas[t] the mask's pixel count.
type Entity struct {
	Phrase string    `json:"phrase"`
	Start  int       `json:"start"`
	Boxes  []*Box    `json:"boxes"`
	Areas  []int     `json:"areas"`
	Scores []float64 `json:"scores,omitempty"`
	// Masks[t] is the full mask of frame t (not marshalled).
	Masks []segment.Mask `json:"-"`
}

// Box is a half-open pixel rectangle: x0 <= x < x1, y0 <= y < y1.
type Box struct {
	X0 int `json:"x0"`
	Y0 int `json:"y0"`
	X1 int `json:"x1"`
	Y1 int `json:"y1"`
}

// entityOf summarises a segment track.
func entityOf(tr segment.Track) Entity {
	en := Entity{
		Phrase: tr.Phrase.Text,
		Start:  tr.Start,
		Boxes:  make([]*Box, len(tr.Masks)),
		Areas:  make([]int, len(tr.Masks)),
		Scores: append([]float64(nil), tr.Scores...),
		Masks:  tr.Masks,
	}
	for t, m := range tr.Masks {
		en.Areas[t] = m.Area()
		if b, ok := m.Box(); ok {
			en.Boxes[t] = &Box{X0: b.X0, Y0: b.Y0, X1: b.X1, Y1: b.Y1}
		}
	}
	return en
}

// entitiesOf summarises a segmenter's tracks and names its dropped
// phrases.
func entitiesOf(seg *segment.Result) ([]Entity, []string) {
	ents := make([]Entity, len(seg.Tracks))
	for i, tr := range seg.Tracks {
		ents[i] = entityOf(tr)
	}
	var dropped []string
	for _, d := range seg.Dropped {
		dropped = append(dropped, d.Text)
	}
	return ents, dropped
}

// Answer is what Answer finds for a multiple-choice question (paper Fig. 1,
// grounded QA). The embedded Result grounds the question: its Spans are the
// evidence, best first, its Entities those of the question. It marshals to
// JSON with the Result's fields beside its own.
type Answer struct {
	*Result
	// Choices are the choices asked about, in the caller's order.
	Choices []string `json:"choices"`
	// Choice is the index of the chosen answer in Choices, Text its text.
	Choice int    `json:"choice"`
	Text   string `json:"text"`
	// Probs is the softmax of the answer head's logits, one per choice.
	Probs []float64 `json:"probs"`
}

// TrackResult is what Track finds for a noun phrase and an optional event.
// Per-frame masks travel as boxes and areas (Entity), as in Result.
type TrackResult struct {
	// Phrase is the text tracked.
	Phrase string `json:"phrase"`
	// Source, Frames, Duration and Repeated describe the video as in
	// Result.
	Source   string  `json:"source,omitempty"`
	Frames   int     `json:"frames"`
	Duration float64 `json:"duration"`
	Repeated bool    `json:"repeated,omitempty"`
	// Entities are the phrase's kept noun phrases and their tracks;
	// Dropped the noun phrases grounded in no frame.
	Entities []Entity `json:"entities"`
	Dropped  []string `json:"dropped,omitempty"`
	// Start is the first frame of the tracks (t_s of Eq. 4), -1 when the
	// entities never co-occur long enough; Gate is g_t of Eq. 3, one per
	// frame.
	Start int    `json:"start"`
	Gate  []bool `json:"gate"`
	// Event is the stated event grounded, "" for none. Score is the top
	// span's score p_s(s) p_e(e) in [0, 1]; Happens reports Score >=
	// Options.EventThreshold, and Span is then the top span (nil
	// otherwise).
	Event   string  `json:"event,omitempty"`
	Happens bool    `json:"happens"`
	Score   float64 `json:"score"`
	Span    *Span   `json:"span,omitempty"`
}

// Description is what Describe says about the interval [Start, End)
// seconds of a video.
type Description struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Text  string  `json:"text"`
}
