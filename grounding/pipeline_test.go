package grounding_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion/diffusiontest"
	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/fusion/fusiontest"
	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// Widths of the fake stages: frame tokens are [z (2); e_text (2); e_time
// (1)], so token feature 4 is tau_t = t/(T-1) (fusiontest.Ramp).
const (
	dv, dt, df = 2, 2, 1
	dLLM       = dv + dt + df
	testT      = 6
	testW      = 8
	testH      = 8
	query      = "the red square"
)

// identityLM is a fake LanguageModel that returns its input.
type identityLM struct{ d int }

var _ grounding.LanguageModel = identityLM{}

func (l identityLM) Dim() int { return l.d }

func (l identityLM) Hidden(ctx context.Context, x *tensor.Dense) (*tensor.Dense, error) {
	return x, ctx.Err()
}

// panicLM panics in Hidden.
type panicLM struct{ identityLM }

func (panicLM) Hidden(context.Context, *tensor.Dense) (*tensor.Dense, error) { panic("boom") }

// fixedSpans is a fake SpanDecoder returning fixed p_s and p_e. It checks
// that the hidden row at frames[t] is frame t's token by its last feature,
// tau_t = t/(T-1), so a wrong frame position is an error.
type fixedSpans struct{ ps, pe []float64 }

var _ heads.SpanDecoder = fixedSpans{}

func (f fixedSpans) Distributions(hidden *tensor.Dense, frames []int) ([]float64, []float64, error) {
	s := hidden.Shape()
	if len(frames) != len(f.ps) || len(s) != 2 || s[1] != dLLM {
		return nil, nil, fmt.Errorf("fixedSpans: hidden %v with %d frames, want (L, %d) with %d", s, len(frames), dLLM, len(f.ps))
	}
	data := hidden.Data().([]float32)
	T := len(frames)
	for t, pos := range frames {
		want := float64(t) / float64(T-1)
		if got := float64(data[pos*s[1]+dLLM-1]); math.Abs(got-want) > 1e-6 {
			return nil, nil, fmt.Errorf("fixedSpans: position %d holds tau %g, want frame %d's %g", pos, got, t, want)
		}
	}
	return f.ps, f.pe, nil
}

// testVideo is a (6, 8, 8, 3) clip at 0.5 s per frame, 3 s long.
func testVideo() *grounding.Video {
	frames, _ := diffusiontest.Clip(1, testT, testH, testW)
	times := make([]float64, testT)
	for t := range times {
		times[t] = 0.5 * float64(t)
	}
	return &grounding.Video{Frames: frames, Times: times, Duration: 3, Source: "clip"}
}

// script is the segmenter's answer: "red square" seen in frames 1-4 as the
// box [2,5)x[3,7), "blue circle" never.
func script() *segment.Result {
	box := segment.Box{X0: 2, Y0: 3, X1: 5, Y1: 7}
	masks := make([]segment.Mask, testT)
	gate := make([]bool, testT)
	for t := range masks {
		masks[t] = segment.NewMask(testW, testH)
		if t >= 1 && t <= 4 {
			masks[t] = segment.MaskFromBox(testW, testH, box)
			gate[t] = true
		}
	}
	return &segment.Result{
		Tracks: []segment.Track{{
			Phrase: segment.Phrase{Text: "red square", Head: "square"},
			Tau:    0.5, Scores: []float64{0, 0.9, 0.9, 0.8, 0.7, 0},
			Valid: gate, Start: 1, Masks: masks,
		}},
		Dropped: []segment.Phrase{{Text: "blue circle", Head: "circle"}},
		Gate:    gate, Start: 1, Union: masks,
	}
}

func stages(spans heads.SpanDecoder) grounding.Stages {
	return grounding.Stages{
		Segmenter: &segmenttest.Scripted{ByQuery: map[string]*segment.Result{query: script()}},
		Encoder:   &diffusiontest.Fake{Dim: dv, Seed: 7},
		Text:      fusiontest.HashText{D: dt},
		Time:      fusiontest.Ramp{D: df},
		Fuser:     fusiontest.PadFuser{DV: dv, DT: dt, DF: df, Out: dLLM},
		LM:        identityLM{d: dLLM},
		Spans:     spans,
	}
}

// peaked is a distribution over testT frames with mass 0.5 at i and the
// rest spread evenly.
func peaked(i int) []float64 {
	p := make([]float64, testT)
	for t := range p {
		p[t] = 0.5 / float64(testT-1)
	}
	p[i] = 0.5
	return p
}

func TestGroundTopSpan(t *testing.T) {
	const rest = 0.5 / (testT - 1)
	tests := []struct {
		name string
		s, e int
		want grounding.Span
	}{
		// Frame 2 starts at 1 s; frame 4 ends where frame 5 starts, 2.5 s.
		{"middle", 2, 4, grounding.Span{Start: 1, End: 2.5, StartFrame: 2, EndFrame: 4, Score: 0.25}},
		// The last frame ends at the duration, 3 s.
		{"to the end", 1, 5, grounding.Span{Start: 0.5, End: 3, StartFrame: 1, EndFrame: 5, Score: 0.25}},
		{"one frame", 0, 0, grounding.Span{Start: 0, End: 0.5, StartFrame: 0, EndFrame: 0, Score: 0.25}},
		// e < s is not a span: (0,1), (1,1), (3,3), (3,4), (3,5) tie at
		// 0.5*rest and the smallest start wins.
		{"reversed peaks", 3, 1, grounding.Span{Start: 0, End: 1, StartFrame: 0, EndFrame: 1, Score: 0.5 * rest}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(stages(fixedSpans{peaked(tc.s), peaked(tc.e)}), grounding.Options{TopK: 3, MaxIoU: 1})
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Ground(context.Background(), testVideo(), query)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Spans) != 3 {
				t.Fatalf("got %d spans, want 3", len(res.Spans))
			}
			if diff := cmp.Diff(tc.want, res.Spans[0], cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("top span (-want +got):\n%s", diff)
			}
			for i := 1; i < len(res.Spans); i++ {
				if res.Spans[i].Score > res.Spans[i-1].Score {
					t.Errorf("span %d scores %g > span %d's %g", i, res.Spans[i].Score, i-1, res.Spans[i-1].Score)
				}
			}
		})
	}
}

func TestGroundEntities(t *testing.T) {
	p, err := grounding.New(stages(fixedSpans{peaked(1), peaked(4)}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Ground(context.Background(), testVideo(), query)
	if err != nil {
		t.Fatal(err)
	}
	box := &grounding.Box{X0: 2, Y0: 3, X1: 5, Y1: 7}
	want := &grounding.Result{
		Query: query, Source: "clip", Frames: testT, Duration: 3, Start: 1,
		Spans: res.Spans,
		Entities: []grounding.Entity{{
			Phrase: "red square", Start: 1,
			Boxes:  []*grounding.Box{nil, box, box, box, box, nil},
			Areas:  []int{0, 12, 12, 12, 12, 0},
			Scores: []float64{0, 0.9, 0.9, 0.8, 0.7, 0},
		}},
		Dropped: []string{"blue circle"},
	}
	if diff := cmp.Diff(want, res, cmpopts.IgnoreFields(grounding.Entity{}, "Masks")); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	// Disjoint spans (MaxIoU 0) over 6 frames: [1,4], then [0,0], [5,5].
	if got := len(res.Spans); got != 3 {
		t.Errorf("got %d disjoint spans, want 3", got)
	}
	if got := len(res.Entities[0].Masks); got != testT {
		t.Errorf("entity has %d masks, want %d", got, testT)
	}
}

func TestResultJSONRoundTrip(t *testing.T) {
	p, err := grounding.New(stages(fixedSpans{peaked(2), peaked(3)}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Ground(context.Background(), testVideo(), query)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var got grounding.Result
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res, &got, cmpopts.IgnoreFields(grounding.Entity{}, "Masks")); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(b), `"boxes":[null,{"x0":2,"y0":3,"x1":5,"y1":7}`) {
		t.Errorf("JSON %s lacks the boxes", b)
	}
}

func TestGroundProgress(t *testing.T) {
	var got []string
	opts := grounding.Options{Progress: func(stage string, done, total int) {
		got = append(got, fmt.Sprintf("%s %d/%d", stage, done, total))
	}}
	p, err := grounding.New(stages(fixedSpans{peaked(2), peaked(3)}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Ground(context.Background(), testVideo(), query); err != nil {
		t.Fatal(err)
	}
	want := []string{"segment 1/8", "encode 2/8", "text 3/8", "time 4/8", "fuse 5/8", "sequence 6/8", "lm 7/8", "spans 8/8"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

func TestGroundCancelled(t *testing.T) {
	tests := []struct {
		name     string
		cancelAt string // cancel when this stage reports done; "" cancels before Ground
		stage    string // the stage named in the error
	}{
		{"before", "", "segment"},
		{"after segment", "segment", "encode"},
		{"after lm", "lm", "spans"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelAt == "" {
				cancel()
			}
			opts := grounding.Options{Progress: func(stage string, _, _ int) {
				if stage == tc.cancelAt {
					cancel()
				}
			}}
			p, err := grounding.New(stages(fixedSpans{peaked(2), peaked(3)}), opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Ground(ctx, testVideo(), query)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Ground = %v, %v; want an error wrapping context.Canceled", res, err)
			}
			if !strings.Contains(err.Error(), tc.stage) {
				t.Errorf("error %q does not name stage %q", err, tc.stage)
			}
		})
	}
}

func TestGroundErrors(t *testing.T) {
	good := stages(fixedSpans{peaked(2), peaked(3)})
	badLM := good
	badLM.LM = panicLM{identityLM{d: dLLM}}
	badSpans := good
	badSpans.Spans = fixedSpans{peaked(2), peaked(3)[:4]}
	short := testVideo()
	short.Times = short.Times[:3]
	tests := []struct {
		name   string
		st     grounding.Stages
		v      *grounding.Video
		q      string
		is     error
		substr string
	}{
		{"nil video", good, nil, query, grounding.ErrBadVideo, "nil video"},
		{"times", good, short, query, grounding.ErrBadVideo, "3 times for 6 frames"},
		{"empty query", good, testVideo(), " ", nil, "empty query"},
		{"unknown query", good, testVideo(), "a dog", segment.ErrNoPhrase, "stage segment"},
		{"panic", badLM, testVideo(), query, nil, "stage lm panicked: boom"},
		{"bad distributions", badSpans, testVideo(), query, nil, "stage spans"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(tc.st, grounding.Options{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Ground(context.Background(), tc.v, tc.q)
			if err == nil {
				t.Fatalf("Ground = %+v, nil; want an error", res)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("error %q does not contain %q", err, tc.substr)
			}
		})
	}
}

func TestNewNilStage(t *testing.T) {
	tests := []struct {
		name  string
		clear func(*grounding.Stages)
	}{
		{"Segmenter", func(s *grounding.Stages) { s.Segmenter = nil }},
		{"Encoder", func(s *grounding.Stages) { s.Encoder = nil }},
		{"Text", func(s *grounding.Stages) { s.Text = nil }},
		{"Time", func(s *grounding.Stages) { s.Time = nil }},
		{"Fuser", func(s *grounding.Stages) { s.Fuser = nil }},
		{"LM", func(s *grounding.Stages) { s.LM = nil }},
		{"Spans", func(s *grounding.Stages) { s.Spans = nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := stages(fixedSpans{peaked(2), peaked(3)})
			tc.clear(&st)
			_, err := grounding.New(st, grounding.Options{})
			if !errors.Is(err, grounding.ErrStage) || !strings.Contains(err.Error(), "stage "+tc.name+" is nil") {
				t.Errorf("New = %v, want an ErrStage naming %s", err, tc.name)
			}
		})
	}
}

func TestNewWidths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fuser := func(v, tx, tm, out int) fusion.Fuser {
		f, err := fusion.NewConcatFuser(rng, fusion.FuserConfig{VisualDim: v, TextDim: tx, TimeDim: tm, LLMDim: out, Eps: 1e-5})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	classifier := func(d int) heads.SpanDecoder {
		c, err := heads.NewClassifier(rng, d)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name   string
		change func(*grounding.Stages)
		want   []string // "" for no error
	}{
		{"agree", func(s *grounding.Stages) { s.Fuser = fuser(dv, dt, df, dLLM); s.Spans = classifier(dLLM) }, nil},
		{"lm", func(s *grounding.Stages) { s.LM = identityLM{d: 9} }, []string{"fuser output width 5", "LM width 9"}},
		{"encoder", func(s *grounding.Stages) { s.Fuser = fuser(3, dt, df, dLLM) }, []string{"d_v 2", "expects 3"}},
		{"text", func(s *grounding.Stages) { s.Fuser = fuser(dv, 4, df, dLLM) }, []string{"d_t 2", "expects 4"}},
		{"time", func(s *grounding.Stages) { s.Fuser = fuser(dv, dt, 6, dLLM) }, []string{"d_f 1", "expects 6"}},
		{"spans", func(s *grounding.Stages) { s.Spans = classifier(7) }, []string{"span decoder width 7", "LM width 5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := stages(fixedSpans{peaked(2), peaked(3)})
			tc.change(&st)
			_, err := grounding.New(st, grounding.Options{})
			if tc.want == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if !errors.Is(err, grounding.ErrStage) {
				t.Fatalf("New = %v, want an error wrapping ErrStage", err)
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestNewOptions(t *testing.T) {
	for _, o := range []grounding.Options{{TopK: -1}, {MaxIoU: -0.1}, {MaxIoU: 1.5}, {MaxIoU: math.NaN()}} {
		if _, err := grounding.New(stages(fixedSpans{peaked(2), peaked(3)}), o); !errors.Is(err, grounding.ErrStage) {
			t.Errorf("New(%+v) = %v, want an error wrapping ErrStage", o, err)
		}
	}
}

func TestGroundConcurrent(t *testing.T) {
	p, err := grounding.New(stages(fixedSpans{peaked(2), peaked(4)}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := testVideo()
	want, err := p.Ground(context.Background(), v, query)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	got := make([]*grounding.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = p.Ground(context.Background(), v, query) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if diff := cmp.Diff(want, got[i], cmpopts.IgnoreFields(grounding.Entity{}, "Masks")); diff != "" {
			t.Errorf("call %d (-want +got):\n%s", i, diff)
		}
	}
}

// lengthSpans is a fake SpanDecoder that reports the sequence length L in
// an error, to observe the layout.
type lengthSpans struct{}

func (lengthSpans) Distributions(hidden *tensor.Dense, frames []int) ([]float64, []float64, error) {
	return nil, nil, fmt.Errorf("L=%d first frame at %d", hidden.Shape()[0], frames[0])
}

func TestGroundObjectTokens(t *testing.T) {
	tests := []struct {
		objects int
		want    string
	}{
		{0, "L=10 first frame at 4"}, // the default 4 chunks for the one track
		{2, "L=8 first frame at 2"},
		{-1, "L=6 first frame at 0"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.objects), func(t *testing.T) {
			p, err := grounding.New(stages(lengthSpans{}), grounding.Options{ObjectTokens: tc.objects})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Ground(context.Background(), testVideo(), query)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Ground error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestGroundDefaultTopK(t *testing.T) {
	p, err := grounding.New(stages(fixedSpans{peaked(2), peaked(4)}), grounding.Options{MaxIoU: 1})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Ground(context.Background(), testVideo(), query)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(res.Spans); got != grounding.DefaultTopK {
		t.Errorf("got %d spans, want the default %d", got, grounding.DefaultTopK)
	}
}

// ExamplePipeline_Ground grounds a query with fake stages: a scripted
// segmenter, a hash text encoder, a ramp time encoder, a padding fuser, an
// identity language model and span heads peaked at frames 2 (start) and 4
// (end). At 0.5 s per frame the span is [1 s, 2.5 s).
func ExamplePipeline_Ground() {
	p, err := grounding.New(stages(fixedSpans{peaked(2), peaked(4)}), grounding.Options{TopK: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := p.Ground(context.Background(), testVideo(), query)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Spans {
		fmt.Printf("[%.1f s, %.1f s) frames %d-%d score %.3f\n", s.Start, s.End, s.StartFrame, s.EndFrame, s.Score)
	}
	for _, e := range res.Entities {
		fmt.Printf("%s from frame %d, box at frame 2: %+v\n", e.Phrase, e.Start, *e.Boxes[2])
	}
	fmt.Println("dropped:", res.Dropped)
	// Output:
	// [1.0 s, 2.5 s) frames 2-4 score 0.250
	// [0.0 s, 0.5 s) frames 0-0 score 0.010
	// red square from frame 1, box at frame 2: {X0:2 Y0:3 X1:5 Y1:7}
	// dropped: [blue circle]
}
