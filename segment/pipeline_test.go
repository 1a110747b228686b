package segment_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
	"gorgonia.org/tensor"
)

var (
	redSquare  = segment.Phrase{Text: "red square", Head: "square"}
	blueCircle = segment.Phrase{Text: "blue circle", Head: "circle"}
	pick       = segment.Phrase{Text: "pick", Head: "pick"}
)

// funcDetector is a Detector defined by a function, with an optional
// threshold (the Thresholder ability) when tau >= 0.
type funcDetector struct {
	detect func(T, h, w int, phrases []segment.Phrase) [][][]segment.Proposal
}

func (d funcDetector) Detect(_ context.Context, frames *tensor.Dense, phrases []segment.Phrase) ([][][]segment.Proposal, error) {
	s := frames.Shape()
	return d.detect(s[0], s[1], s[2], phrases), nil
}

type thresholdDetector struct {
	segment.Detector
	tau float64
}

func (d thresholdDetector) Threshold(segment.Phrase) float64 { return d.tau }

var _ segment.Thresholder = thresholdDetector{}

// constDetector proposes, for every phrase in every frame, one full-frame
// mask scored score.
func constDetector(score float64) segment.Detector {
	return funcDetector{detect: func(T, h, w int, phrases []segment.Phrase) [][][]segment.Proposal {
		out := make([][][]segment.Proposal, len(phrases))
		for i := range out {
			out[i] = make([][]segment.Proposal, T)
			for t := range out[i] {
				out[i][t] = []segment.Proposal{{Mask: segment.MaskFromBox(w, h, segment.Box{X1: w, Y1: h}), Box: segment.Box{X1: w, Y1: h}, Score: score}}
			}
		}
		return out
	}}
}

type outcome struct {
	Kept, Dropped []string
	Start         int
	Span          *segment.Span
	GateTrue      int
}

func summarise(r *segment.Result) outcome {
	o := outcome{Start: r.Start, Span: r.Span, Kept: []string{}, Dropped: []string{}}
	for _, tr := range r.Tracks {
		o.Kept = append(o.Kept, tr.Phrase.Text)
	}
	for _, p := range r.Dropped {
		o.Dropped = append(o.Dropped, p.Text)
	}
	for _, g := range r.Gate {
		if g {
			o.GateTrue++
		}
	}
	return o
}

func TestPipelineCases(t *testing.T) {
	c := segmenttest.NewClip(12, 24, 32) // the circle is present from frame 4 on
	fixed := &segmenttest.FixedDetector{Masks: c.Masks}
	tests := []struct {
		name    string
		phrases []segment.Phrase
		det     segment.Detector
		opts    func(*segment.Options)
		want    outcome
	}{
		{name: "both entities: start where the circle appears",
			phrases: []segment.Phrase{redSquare, blueCircle}, det: fixed,
			want: outcome{Kept: []string{"red square", "blue circle"}, Dropped: []string{}, Start: 4, GateTrue: 8}},
		{name: "a tagger mistake is dropped, not gated",
			phrases: []segment.Phrase{redSquare, pick, blueCircle}, det: fixed,
			want: outcome{Kept: []string{"red square", "blue circle"}, Dropped: []string{"pick"}, Start: 4, GateTrue: 8}},
		{name: "K larger than T: no start",
			phrases: []segment.Phrase{redSquare}, det: fixed, opts: func(o *segment.Options) { o.K = 13 },
			want: outcome{Kept: []string{"red square"}, Dropped: []string{}, Start: -1, GateTrue: 12}},
		{name: "no phrase grounded: gate closed",
			phrases: []segment.Phrase{pick}, det: fixed,
			want: outcome{Kept: []string{}, Dropped: []string{"pick"}, Start: -1}},
		{name: "per-phrase threshold above the score drops it",
			phrases: []segment.Phrase{redSquare, blueCircle}, det: fixed,
			opts: func(o *segment.Options) { o.PhraseTau = map[string]float64{"blue circle": 0.95} },
			want: outcome{Kept: []string{"red square"}, Dropped: []string{"blue circle"}, Start: 0, GateTrue: 12}},
		{name: "the detector's own threshold applies",
			phrases: []segment.Phrase{redSquare}, det: thresholdDetector{Detector: fixed, tau: 0.95},
			want: outcome{Kept: []string{}, Dropped: []string{"red square"}, Start: -1}},
		{name: "options beat the detector's threshold",
			phrases: []segment.Phrase{redSquare}, det: thresholdDetector{Detector: fixed, tau: 0.95},
			opts: func(o *segment.Options) { o.PhraseTau = map[string]float64{"red square": 0.9} },
			want: outcome{Kept: []string{"red square"}, Dropped: []string{}, Start: 0, GateTrue: 12}},
		{name: "span of at least L frames, in seconds",
			phrases: []segment.Phrase{redSquare, blueCircle}, det: fixed, opts: func(o *segment.Options) { o.MinSpan = 8 },
			want: outcome{Kept: []string{"red square", "blue circle"}, Dropped: []string{}, Start: 4, GateTrue: 8,
				Span: &segment.Span{Start: 4, End: 11, StartSec: 0.4, EndSec: 1.1}}},
		{name: "span shorter than L: none",
			phrases: []segment.Phrase{redSquare, blueCircle}, det: fixed, opts: func(o *segment.Options) { o.MinSpan = 9 },
			want: outcome{Kept: []string{"red square", "blue circle"}, Dropped: []string{}, Start: 4, GateTrue: 8}},
		{name: "score exactly tau is valid",
			phrases: []segment.Phrase{redSquare}, det: constDetector(0.5),
			want: outcome{Kept: []string{"red square"}, Dropped: []string{}, Start: 0, GateTrue: 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := segment.DefaultOptions()
			if tt.opts != nil {
				tt.opts(&opts)
			}
			p, err := segment.New(&segmenttest.FixedParser{ByQuery: map[string][]segment.Phrase{c.Query: tt.phrases}},
				tt.det, segmenttest.IdentityTracker{}, opts)
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.Segment(context.Background(), c.Video, c.Query)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, summarise(r), cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); d != "" {
				t.Errorf("Segment (-want +got):\n%s", d)
			}
		})
	}
}

func TestPipelineBadInput(t *testing.T) {
	c := segmenttest.NewClip(6, 16, 16)
	fixed := &segmenttest.FixedDetector{Masks: c.Masks}
	parser := &segmenttest.FixedParser{ByQuery: map[string][]segment.Phrase{c.Query: {redSquare}}}
	nan := funcDetector{detect: func(T, h, w int, ph []segment.Phrase) [][][]segment.Proposal {
		out := constDetector(0.9).(funcDetector).detect(T, h, w, ph)
		out[0][2][0].Score = math.NaN()
		return out
	}}
	wrongSize := funcDetector{detect: func(T, h, w int, ph []segment.Phrase) [][][]segment.Proposal {
		return constDetector(0.9).(funcDetector).detect(T, h+1, w, ph)
	}}
	tooFew := funcDetector{detect: func(T, h, w int, ph []segment.Phrase) [][][]segment.Proposal {
		return constDetector(0.9).(funcDetector).detect(T-1, h, w, ph)
	}}
	tests := []struct {
		name   string
		det    segment.Detector
		v      segment.Video
		query  string
		target error // nil: any error
	}{
		{name: "empty query", det: fixed, v: c.Video, query: " ", target: segment.ErrEmptyQuery},
		{name: "no parsable noun", det: fixed, v: c.Video, query: "is running", target: segment.ErrNoPhrase},
		{name: "nil frames", det: fixed, v: segment.Video{}, query: c.Query, target: segment.ErrBadVideo},
		{name: "zero frames", det: fixed, v: segment.Video{Frames: tensor.New(tensor.WithShape(0, 16, 16, 3), tensor.Of(tensor.Float32))}, query: c.Query, target: segment.ErrBadVideo},
		{name: "times of another length", det: fixed, v: segment.Video{Frames: c.Video.Frames, Times: []float64{0, 1}}, query: c.Query, target: segment.ErrBadVideo},
		{name: "times not increasing", det: fixed, v: segment.Video{Frames: c.Video.Frames, Times: []float64{0, 1, 1, 2, 3, 4}}, query: c.Query, target: segment.ErrBadVideo},
		{name: "NaN pixel", det: fixed, v: segment.Video{Frames: nanFrames()}, query: c.Query, target: segment.ErrBadVideo},
		{name: "detector NaN score", det: nan, v: c.Video, query: c.Query},
		{name: "detector score above 1", det: constDetector(1.5), v: c.Video, query: c.Query},
		{name: "detector masks of another size", det: wrongSize, v: c.Video, query: c.Query},
		{name: "detector misses frames", det: tooFew, v: c.Video, query: c.Query},
		{name: "detector threshold outside [0,1]", det: thresholdDetector{Detector: fixed, tau: 2}, v: c.Video, query: c.Query},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := segment.New(parser, tt.det, segmenttest.IdentityTracker{}, segment.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Segment(context.Background(), tt.v, tt.query)
			if err == nil || (tt.target != nil && !errors.Is(err, tt.target)) {
				t.Errorf("Segment error = %v, want %v", err, tt.target)
			}
		})
	}
}

func nanFrames() *tensor.Dense {
	d := make([]float32, 2*4*4*3)
	d[40] = float32(math.NaN())
	return tensor.New(tensor.WithShape(2, 4, 4, 3), tensor.WithBacking(d))
}

func TestNewBadOptions(t *testing.T) {
	det := &segmenttest.FixedDetector{}
	tests := map[string]func(*segment.Options){
		"zero options":       func(o *segment.Options) { *o = segment.Options{} },
		"tau above 1":        func(o *segment.Options) { o.Tau = 1.01 },
		"tau NaN":            func(o *segment.Options) { o.Tau = math.NaN() },
		"phrase tau below 0": func(o *segment.Options) { o.PhraseTau = map[string]float64{"ball": -0.1} },
		"negative span":      func(o *segment.Options) { o.MinSpan = -1 },
		"reseed IoU 2":       func(o *segment.Options) { o.ReseedIoU = 2 },
		"negative drift":     func(o *segment.Options) { o.AreaDrift = -1 },
		"negative lost":      func(o *segment.Options) { o.Lost = -1 },
	}
	for name, f := range tests {
		opts := segment.DefaultOptions()
		f(&opts)
		if _, err := segment.New(&segmenttest.FixedParser{}, det, nil, opts); err == nil {
			t.Errorf("%s: New gave no error", name)
		}
	}
	if _, err := segment.New(nil, nil, nil, segment.DefaultOptions()); err == nil {
		t.Errorf("New without a detector: no error")
	}
}

// TestPipelineReseed checks re-seeding on drift with a tracker that never
// moves the mask: with ReseedIoU near 1 every frame takes the detection,
// with re-seeding off the seed stays.
func TestPipelineReseed(t *testing.T) {
	c := segmenttest.NewClip(10, 24, 48)
	parser := &segmenttest.FixedParser{ByQuery: map[string][]segment.Phrase{c.Query: {redSquare}}}
	truth := c.Masks["red square"]
	for _, tt := range []struct {
		name        string
		iou, drift  float64
		wantReseeds []int
		follow      bool
	}{
		{name: "strict agreement follows the detector", iou: 0.99, wantReseeds: []int{1, 2, 3, 4, 5, 6, 7, 8, 9}, follow: true},
		{name: "off keeps the seed", wantReseeds: nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := segment.DefaultOptions()
			opts.K, opts.ReseedIoU, opts.AreaDrift = 1, tt.iou, tt.drift
			p, err := segment.New(parser, &segmenttest.FixedDetector{Masks: c.Masks}, segmenttest.IdentityTracker{}, opts)
			if err != nil {
				t.Fatal(err)
			}
			r, err := p.Segment(context.Background(), c.Video, c.Query)
			if err != nil {
				t.Fatal(err)
			}
			tr := r.Tracks[0]
			if d := cmp.Diff(tt.wantReseeds, tr.Reseeds); d != "" {
				t.Errorf("Reseeds (-want +got):\n%s", d)
			}
			last := tr.Masks[len(tr.Masks)-1]
			want := truth[0]
			if tt.follow {
				want = truth[len(truth)-1]
			}
			if !last.Equal(want) {
				t.Errorf("last mask is not the expected one (follow=%v)", tt.follow)
			}
		})
	}
}

func TestPipelineProgress(t *testing.T) {
	c := segmenttest.NewClip(4, 16, 16)
	var stages []string
	opts := segment.DefaultOptions()
	opts.Progress = func(stage string, done, total int) {
		if total != 3 || done != len(stages)+1 {
			t.Errorf("progress %q %d/%d out of order", stage, done, total)
		}
		stages = append(stages, stage)
	}
	p, err := segment.New(&segmenttest.FixedParser{ByQuery: map[string][]segment.Phrase{c.Query: {redSquare}}},
		&segmenttest.FixedDetector{Masks: c.Masks}, segmenttest.IdentityTracker{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Segment(context.Background(), c.Video, c.Query); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"parse", "detect", "track"}, stages); d != "" {
		t.Errorf("stages (-want +got):\n%s", d)
	}
}

// TestPipelineLost checks that a track ends over runs of at least Lost
// undetected frames: the red square is hidden from the detector in frames
// 3-4 (a 2-frame gap) and 6-9 (4 frames); with Lost = 3 only the second
// run is emptied, with Lost = 0 nothing is.
func TestPipelineLost(t *testing.T) {
	c := segmenttest.NewClip(12, 24, 48)
	parser := &segmenttest.FixedParser{ByQuery: map[string][]segment.Phrase{c.Query: {redSquare}}}
	seen := append([]segment.Mask(nil), c.Masks["red square"]...)
	for _, f := range []int{3, 4, 6, 7, 8, 9} {
		seen[f] = segment.NewMask(48, 24)
	}
	det := &segmenttest.FixedDetector{Masks: map[string][]segment.Mask{"red square": seen}}
	for _, tt := range []struct {
		lost int
		want string
	}{
		{lost: 0, want: "############"},
		{lost: 3, want: "######....##"},
		{lost: 2, want: "###..#....##"},
	} {
		opts := segment.DefaultOptions()
		opts.K, opts.Lost = 1, tt.lost
		p, err := segment.New(parser, det, segmenttest.IdentityTracker{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		r, err := p.Segment(context.Background(), c.Video, c.Query)
		if err != nil {
			t.Fatal(err)
		}
		var got, union []byte
		for f, m := range r.Tracks[0].Masks {
			got = append(got, ".#"[min(1, m.Area())])
			union = append(union, ".#"[min(1, r.Union[f].Area())])
		}
		if diff := cmp.Diff(tt.want, string(got)); diff != "" {
			t.Errorf("Lost %d: track presence (-want +got):\n%s", tt.lost, diff)
		}
		if diff := cmp.Diff(tt.want, string(union)); diff != "" {
			t.Errorf("Lost %d: union presence (-want +got):\n%s", tt.lost, diff)
		}
	}
}
