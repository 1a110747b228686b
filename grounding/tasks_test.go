package grounding_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/fusion/fusiontest"
	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

const (
	question = "what colour is the square?"
	phrase   = "red square"
	event    = "the red square moves"
)

// tokenLM is a fake language model with the TokenEmbedder and Decoder
// abilities. Hidden returns its input. EmbedText gives [CLS] (all 1), one
// row per white-space word (all features a hash of the word, in [10, 11))
// and [SEP] (all 2); TimeTokens(n) gives row k all -(k+1). It records the
// texts it embeds, the embeddings Hidden receives and Decode's arguments.
type tokenLM struct {
	d      int
	reply  string // Decode's answer
	mu     sync.Mutex
	texts  []string
	inputs []*tensor.Dense
	seqs   []*tensor.Dense // Decode's seq
	prompt []*tensor.Dense // Decode's prompt
	max    []int
}

var (
	_ grounding.LanguageModel = (*tokenLM)(nil)
	_ grounding.TokenEmbedder = (*tokenLM)(nil)
	_ grounding.Decoder       = (*tokenLM)(nil)
)

func (l *tokenLM) Dim() int { return l.d }

func (l *tokenLM) Hidden(ctx context.Context, x *tensor.Dense) (*tensor.Dense, error) {
	l.mu.Lock()
	l.inputs = append(l.inputs, x.Clone().(*tensor.Dense))
	l.mu.Unlock()
	return x, ctx.Err()
}

func (l *tokenLM) EmbedText(ctx context.Context, text string) (*tensor.Dense, error) {
	l.mu.Lock()
	l.texts = append(l.texts, text)
	l.mu.Unlock()
	return embedWords(l.d, text), ctx.Err()
}

// embedWords is tokenLM's EmbedText.
func embedWords(d int, text string) *tensor.Dense {
	words := strings.Fields(text)
	rows := make([]float32, 0, (len(words)+2)*d)
	fill := func(x float32) {
		for range d {
			rows = append(rows, x)
		}
	}
	fill(1)
	for _, w := range words {
		h := fnv.New32a()
		h.Write([]byte(w))
		fill(10 + float32(h.Sum32()%1000)/1000)
	}
	fill(2)
	return tensor.New(tensor.WithShape(len(words)+2, d), tensor.WithBacking(rows))
}

func (l *tokenLM) TimeTokens(n int) (*tensor.Dense, error) {
	return timeTable(l.d, n), nil
}

// timeTable is tokenLM's TimeTokens.
func timeTable(d, n int) *tensor.Dense {
	rows := make([]float32, n*d)
	for i := range rows {
		rows[i] = -float32(i/d + 1)
	}
	return tensor.New(tensor.WithShape(n, d), tensor.WithBacking(rows))
}

func (l *tokenLM) Decode(ctx context.Context, seq, prompt *tensor.Dense, max int) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seqs = append(l.seqs, seq.Clone().(*tensor.Dense))
	l.prompt = append(l.prompt, prompt.Clone().(*tensor.Dense))
	l.max = append(l.max, max)
	return l.reply, ctx.Err()
}

// fixedHead is a fake AnswerHead returning fixed logits; it checks the
// shapes it gets and records the choices' embeddings.
type fixedHead struct {
	logits  []float64
	mu      sync.Mutex
	choices *tensor.Dense
	hidden  *tensor.Dense
}

var _ grounding.AnswerHead = (*fixedHead)(nil)

func (h *fixedHead) Scores(hidden, choices *tensor.Dense) ([]float64, error) {
	if s := hidden.Shape(); len(s) != 2 || s[1] != dLLM {
		return nil, fmt.Errorf("fixedHead: hidden of shape %v", s)
	}
	if s := choices.Shape(); len(s) != 2 || s[1] != dt {
		return nil, fmt.Errorf("fixedHead: choices of shape %v", s)
	}
	h.mu.Lock()
	h.choices, h.hidden = choices.Clone().(*tensor.Dense), hidden.Clone().(*tensor.Dense)
	h.mu.Unlock()
	return h.logits, nil
}

// taskStages are stages(spans) whose segmenter also knows the question,
// the phrase and the event (all scripted like the query), with lm and the
// answer head.
func taskStages(spans heads.SpanDecoder, lm grounding.LanguageModel, head grounding.AnswerHead) grounding.Stages {
	st := stages(spans)
	st.Segmenter = &segmenttest.Scripted{ByQuery: map[string]*segment.Result{
		query: script(), question: script(), phrase: script(), event: script(),
	}}
	st.LM = lm
	if head != nil {
		st.Answers = head
	}
	return st
}

// frameTokens computes the fake stages' frame tokens (T, dLLM) for text
// with the union masks (nil for none), as the pipeline should.
func frameTokens(t *testing.T, st grounding.Stages, v *grounding.Video, union []segment.Mask, text string) *tensor.Dense {
	t.Helper()
	ctx := context.Background()
	z, err := st.Encoder.Encode(ctx, v.Frames, union, text)
	if err != nil {
		t.Fatal(err)
	}
	eText, err := st.Text.Encode(ctx, text)
	if err != nil {
		t.Fatal(err)
	}
	eTime, err := st.Time.Embed(v.T())
	if err != nil {
		t.Fatal(err)
	}
	frames, err := st.Fuser.Fuse(z, eText, eTime)
	if err != nil {
		t.Fatal(err)
	}
	return frames
}

// scriptObjects are the object-token inputs of script()'s one track: the
// frame tokens (1, T, d) and its presence (1, T), frames 1-4.
func scriptObjects(frames *tensor.Dense) (objects, mask *tensor.Dense) {
	d := frames.Shape()[1]
	objects = tensor.New(tensor.WithShape(1, testT, d), tensor.WithBacking(append([]float32(nil), frames.Data().([]float32)...)))
	mask = tensor.New(tensor.WithShape(1, testT), tensor.WithBacking([]float32{0, 1, 1, 1, 1, 0}))
	return objects, mask
}

// sameTensor reports the difference of two float32 tensors, "" when equal.
func sameTensor(want, got *tensor.Dense) string {
	if got == nil {
		return "got nil"
	}
	if diff := cmp.Diff([]int(want.Shape()), []int(got.Shape())); diff != "" {
		return "shape (-want +got):\n" + diff
	}
	return cmp.Diff(want.Data().([]float32), got.Data().([]float32))
}

func TestGroundSequence(t *testing.T) {
	v := testVideo()
	base := stages(fixedSpans{peaked(2), peaked(4)})
	frames := frameTokens(t, base, v, script().Union, query)
	objects, mask := scriptObjects(frames)
	ins := embedWords(dLLM, query)
	tests := []struct {
		name     string
		embedder bool
		opts     grounding.Options
		in       fusion.SequenceInput
		b        fusion.Budgets
	}{
		{"no embedder", false, grounding.Options{},
			fusion.SequenceInput{Objects: objects, ObjectMask: mask, Frames: frames}, fusion.Budgets{Objects: 4}},
		{"no embedder, time tokens asked", false, grounding.Options{TimeTokens: 3},
			fusion.SequenceInput{Objects: objects, ObjectMask: mask, Frames: frames}, fusion.Budgets{Objects: 4}},
		{"embedder, defaults", true, grounding.Options{},
			fusion.SequenceInput{Instruction: ins, Objects: objects, ObjectMask: mask, TimeTable: timeTable(dLLM, 8), Frames: frames},
			fusion.Budgets{Objects: grounding.DefaultObjectTokens, TimeTokens: grounding.DefaultTimeTokens}},
		{"embedder, budgets 2/3", true, grounding.Options{ObjectTokens: 2, TimeTokens: 3},
			fusion.SequenceInput{Instruction: ins, Objects: objects, ObjectMask: mask, TimeTable: timeTable(dLLM, 3), Frames: frames},
			fusion.Budgets{Objects: 2, TimeTokens: 3}},
		{"embedder, no time tokens", true, grounding.Options{TimeTokens: -1},
			fusion.SequenceInput{Instruction: ins, Objects: objects, ObjectMask: mask, Frames: frames}, fusion.Budgets{Objects: 4}},
		{"embedder, no object tokens", true, grounding.Options{ObjectTokens: -1},
			fusion.SequenceInput{Instruction: ins, TimeTable: timeTable(dLLM, 8), Frames: frames}, fusion.Budgets{TimeTokens: 8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := fusion.BuildSequence(tc.in, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			lm := &tokenLM{d: dLLM}
			var seen grounding.LanguageModel = lm
			if !tc.embedder {
				seen = recordingLM{lm}
			}
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, seen, nil), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Ground(context.Background(), v, query)
			if err != nil {
				t.Fatal(err)
			}
			if len(lm.inputs) != 1 {
				t.Fatalf("the LM ran %d times, want 1", len(lm.inputs))
			}
			if diff := sameTensor(want.Embeddings, lm.inputs[0]); diff != "" {
				t.Errorf("LM input: %s", diff)
			}
			wantTexts := []string{query}
			if !tc.embedder {
				wantTexts = nil
			}
			if diff := cmp.Diff(wantTexts, lm.texts); diff != "" {
				t.Errorf("texts embedded (-want +got):\n%s", diff)
			}
			// fixedSpans checks it read the frame tokens; the span is
			// frames 2-4 whatever the sequence's layout.
			if got := res.Spans[0]; got.StartFrame != 2 || got.EndFrame != 4 {
				t.Errorf("top span frames %d-%d, want 2-4", got.StartFrame, got.EndFrame)
			}
		})
	}
}

// recordingLM hides tokenLM's abilities: it only records and returns its
// input.
type recordingLM struct{ l *tokenLM }

func (r recordingLM) Dim() int { return r.l.d }

func (r recordingLM) Hidden(ctx context.Context, x *tensor.Dense) (*tensor.Dense, error) {
	return r.l.Hidden(ctx, x)
}

// badEmbedder is a TokenEmbedder of the wrong width or failing.
type badEmbedder struct {
	identityLM
	textRows, timeWidth int
	err                 error
}

func (b badEmbedder) EmbedText(context.Context, string) (*tensor.Dense, error) {
	if b.err != nil {
		return nil, b.err
	}
	return tensor.New(tensor.WithShape(b.textRows, dLLM), tensor.Of(tensor.Float32)), nil
}

func (b badEmbedder) TimeTokens(n int) (*tensor.Dense, error) {
	return tensor.New(tensor.WithShape(n, b.timeWidth), tensor.Of(tensor.Float32)), nil
}

func TestGroundEmbedderErrors(t *testing.T) {
	tests := []struct {
		name string
		lm   badEmbedder
		want string
	}{
		{"no instruction rows", badEmbedder{identityLM{dLLM}, 0, dLLM, nil}, "instruction tokens"},
		{"time width", badEmbedder{identityLM{dLLM}, 3, dLLM + 1, nil}, "8 time tokens: shape (8, 6)"},
		{"embedding fails", badEmbedder{identityLM{dLLM}, 3, dLLM, errors.New("no token")}, "no token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, tc.lm, nil), grounding.Options{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Ground(context.Background(), testVideo(), query)
			if err == nil || !strings.Contains(err.Error(), "stage sequence") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Ground error %v, want one naming stage sequence and containing %q", err, tc.want)
			}
		})
	}
}

func TestAnswer(t *testing.T) {
	choices := []string{"blue", "red", "green"}
	tests := []struct {
		name   string
		logits []float64
		want   int
	}{
		{"second", []float64{0.5, 2, -1}, 1},
		{"first", []float64{3, 2, -1}, 0},
		{"tie takes the first", []float64{1, 1, 0}, 0},
		{"large logits", []float64{-800, 900, 899}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lm := &tokenLM{d: dLLM}
			head := &fixedHead{logits: tc.logits}
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, lm, head), grounding.Options{})
			if err != nil {
				t.Fatal(err)
			}
			v := testVideo()
			ans, err := p.Answer(context.Background(), v, question, choices)
			if err != nil {
				t.Fatal(err)
			}
			probs, err := heads.Softmax(tc.logits)
			if err != nil {
				t.Fatal(err)
			}
			res, err := p.Ground(context.Background(), v, question)
			if err != nil {
				t.Fatal(err)
			}
			want := &grounding.Answer{Result: res, Choices: choices, Choice: tc.want, Text: choices[tc.want], Probs: probs}
			if diff := cmp.Diff(want, ans, cmpopts.IgnoreFields(grounding.Entity{}, "Masks"), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			sum := 0.0
			for _, q := range ans.Probs {
				sum += q
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("probabilities sum to %v, want 1", sum)
			}
			// The head saw each choice's e_text and the question's hidden
			// states (the identity LM's input).
			var rows []float32
			for _, c := range choices {
				e, err := fusiontest.HashText{D: dt}.Encode(context.Background(), c)
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, e...)
			}
			if diff := sameTensor(tensor.New(tensor.WithShape(3, dt), tensor.WithBacking(rows)), head.choices); diff != "" {
				t.Errorf("choices given to the head: %s", diff)
			}
			if diff := sameTensor(lm.inputs[0], head.hidden); diff != "" {
				t.Errorf("hidden states given to the head: %s", diff)
			}
		})
	}
}

func TestAnswerErrors(t *testing.T) {
	good := []string{"red", "blue"}
	tests := []struct {
		name     string
		head     grounding.AnswerHead
		v        *grounding.Video
		question string
		choices  []string
		is       error
		substr   string
	}{
		{"no head", nil, testVideo(), question, good, grounding.ErrUnsupported, "no answer head"},
		{"no choices", &fixedHead{}, testVideo(), question, nil, nil, "0 choices"},
		{"one choice", &fixedHead{}, testVideo(), question, []string{"red"}, nil, "1 choices"},
		{"empty choice", &fixedHead{}, testVideo(), question, []string{"red", " "}, nil, `empty choice 1 " "`},
		{"choice without a word", &fixedHead{}, testVideo(), question, []string{"?!", "red"}, nil, "choice 0 \"?!\" has no word"},
		{"empty question", &fixedHead{}, testVideo(), "", good, nil, "empty question"},
		{"nil video", &fixedHead{}, nil, question, good, grounding.ErrBadVideo, "nil video"},
		{"too few logits", &fixedHead{logits: []float64{1}}, testVideo(), question, good, nil, "stage answer: answer head gave 1 logits for 2 choices"},
		{"NaN logit", &fixedHead{logits: []float64{1, math.NaN()}}, testVideo(), question, good, nil, "stage answer"},
		{"unknown question", &fixedHead{}, testVideo(), "where is the dog?", good, segment.ErrNoPhrase, "stage segment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, identityLM{dLLM}, tc.head), grounding.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ans, err := p.Answer(context.Background(), tc.v, tc.question, tc.choices)
			if err == nil {
				t.Fatalf("Answer = %+v, nil; want an error", ans)
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

func TestTrack(t *testing.T) {
	// fixedSpans peaked at 2 and 4 gives the top span frames 2-4, score
	// 0.25.
	top := &grounding.Span{Start: 1, End: 2.5, StartFrame: 2, EndFrame: 4, Score: 0.25}
	tests := []struct {
		name      string
		event     string
		threshold float64
		happens   bool
		score     float64
		span      *grounding.Span
	}{
		{"no event", "", 0, false, 0, nil},
		{"default threshold", event, 0, true, 0.25, top},
		{"below the score", event, 0.2, true, 0.25, top},
		{"at the score", event, 0.25, true, 0.25, top},
		{"above the score", event, 0.3, false, 0.25, nil},
	}
	box := &grounding.Box{X0: 2, Y0: 3, X1: 5, Y1: 7}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, identityLM{dLLM}, nil), grounding.Options{EventThreshold: tc.threshold})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Track(context.Background(), testVideo(), phrase, tc.event)
			if err != nil {
				t.Fatal(err)
			}
			want := &grounding.TrackResult{
				Phrase: phrase, Source: "clip", Frames: testT, Duration: 3,
				Entities: []grounding.Entity{{
					Phrase: "red square", Start: 1,
					Boxes:  []*grounding.Box{nil, box, box, box, box, nil},
					Areas:  []int{0, 12, 12, 12, 12, 0},
					Scores: []float64{0, 0.9, 0.9, 0.8, 0.7, 0},
				}},
				Dropped: []string{"blue circle"},
				Start:   1, Gate: []bool{false, true, true, true, true, false},
				Event: tc.event, Happens: tc.happens, Score: tc.score, Span: tc.span,
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(grounding.Entity{}, "Masks"), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("track (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrackErrors(t *testing.T) {
	tests := []struct {
		name          string
		v             *grounding.Video
		phrase, event string
		is            error
		substr        string
	}{
		{"empty phrase", testVideo(), "  ", event, nil, "empty phrase"},
		{"blank event", testVideo(), phrase, " \t", nil, "empty event"},
		{"event without a word", testVideo(), phrase, "...", nil, "has no word"},
		{"nil video", nil, phrase, event, grounding.ErrBadVideo, "nil video"},
		{"unknown phrase", testVideo(), "green dog", "", segment.ErrNoPhrase, `track "green dog": stage track`},
		{"unknown event", testVideo(), phrase, "a dog barks", segment.ErrNoPhrase, `event "a dog barks": stage segment`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, identityLM{dLLM}, nil), grounding.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Track(context.Background(), tc.v, tc.phrase, tc.event)
			if err == nil {
				t.Fatalf("Track = %+v, nil; want an error", got)
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

func TestDescribe(t *testing.T) {
	// T = 6 frames at 0.5 s, duration 3 s. With N_time = 8 the frames fall
	// in bins 0 1 2 4 5 6; with N_time = 3 in bins 0 0 1 1 2 2.
	tests := []struct {
		name       string
		timeTokens int
		start, end float64
		prompt     string
	}{
		{"middle", 0, 1, 2.5, "between <2> and <5>"},
		{"whole clip", 0, 0, 3, "between <0> and <6>"},
		{"inside one frame", 0, 0.2, 0.4, "between <0> and <0>"},
		{"between frame times", 0, 1.25, 1.75, "between <2> and <4>"},
		{"end on a frame time", 0, 0.5, 1.5, "between <1> and <2>"},
		{"three bins", 3, 1, 2.5, "between <1> and <2>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lm := &tokenLM{d: dLLM, reply: "  the red square moves\n"}
			st := taskStages(fixedSpans{peaked(2), peaked(4)}, lm, nil)
			p, err := grounding.New(st, grounding.Options{TimeTokens: tc.timeTokens})
			if err != nil {
				t.Fatal(err)
			}
			v := testVideo()
			got, err := p.Describe(context.Background(), v, tc.start, tc.end)
			if err != nil {
				t.Fatal(err)
			}
			want := &grounding.Description{Start: tc.start, End: tc.end, Text: "the red square moves"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("description (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{grounding.DescribeInstruction, tc.prompt}, lm.texts); diff != "" {
				t.Errorf("texts embedded (-want +got):\n%s", diff)
			}
			n := tc.timeTokens
			if n == 0 {
				n = grounding.DefaultTimeTokens
			}
			seq, err := fusion.BuildSequence(fusion.SequenceInput{
				Instruction: embedWords(dLLM, grounding.DescribeInstruction),
				TimeTable:   timeTable(dLLM, n),
				Frames:      frameTokens(t, st, v, nil, grounding.DescribeInstruction),
			}, fusion.Budgets{TimeTokens: n})
			if err != nil {
				t.Fatal(err)
			}
			if len(lm.seqs) != 1 {
				t.Fatalf("Decode ran %d times, want 1", len(lm.seqs))
			}
			if diff := sameTensor(seq.Embeddings, lm.seqs[0]); diff != "" {
				t.Errorf("sequence decoded after: %s", diff)
			}
			if diff := sameTensor(embedWords(dLLM, tc.prompt), lm.prompt[0]); diff != "" {
				t.Errorf("prompt: %s", diff)
			}
			if lm.max[0] != grounding.DefaultDescribeTokens {
				t.Errorf("Decode max %d, want %d", lm.max[0], grounding.DefaultDescribeTokens)
			}
			if len(lm.inputs) != 0 {
				t.Errorf("Hidden ran %d times, want 0 (Describe decodes)", len(lm.inputs))
			}
		})
	}
}

func TestDescribeErrors(t *testing.T) {
	tests := []struct {
		name       string
		lm         grounding.LanguageModel
		opts       grounding.Options
		v          *grounding.Video
		start, end float64
		is         error
		substr     string
	}{
		{"reversed", &tokenLM{d: dLLM}, grounding.Options{}, testVideo(), 2, 1, nil, "start not before end"},
		{"empty", &tokenLM{d: dLLM}, grounding.Options{}, testVideo(), 1, 1, nil, "start not before end"},
		{"NaN", &tokenLM{d: dLLM}, grounding.Options{}, testVideo(), math.NaN(), 1, nil, "not finite"},
		{"infinite", &tokenLM{d: dLLM}, grounding.Options{}, testVideo(), 0, math.Inf(1), nil, "not finite"},
		{"negative", &tokenLM{d: dLLM}, grounding.Options{}, testVideo(), -1, 1, nil, "outside the video [0, 3]"},
		{"past the end", &tokenLM{d: dLLM}, grounding.Options{}, testVideo(), 2, 3.5, nil, "outside the video [0, 3]"},
		{"nil video", &tokenLM{d: dLLM}, grounding.Options{}, nil, 0, 1, grounding.ErrBadVideo, "nil video"},
		{"no abilities", identityLM{dLLM}, grounding.Options{}, testVideo(), 0, 1, grounding.ErrUnsupported, "TokenEmbedder and a Decoder"},
		{"embedder only", badEmbedder{identityLM{dLLM}, 3, dLLM, nil}, grounding.Options{}, testVideo(), 0, 1, grounding.ErrUnsupported, "TokenEmbedder and a Decoder"},
		{"no time tokens", &tokenLM{d: dLLM}, grounding.Options{TimeTokens: -1}, testVideo(), 0, 1, grounding.ErrUnsupported, "time tokens are off"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, tc.lm, nil), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Describe(context.Background(), tc.v, tc.start, tc.end)
			if err == nil {
				t.Fatalf("Describe = %+v, nil; want an error", got)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.substr) {
				t.Errorf("error %q does not contain %q", err, tc.substr)
			}
		})
	}
	// A video whose frames start late: an interval before the first frame.
	v := testVideo()
	for i := range v.Times {
		v.Times[i] += 1
	}
	v.Duration = 4
	p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, &tokenLM{d: dLLM}, nil), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Describe(context.Background(), v, 0, 0.5); err == nil || !strings.Contains(err.Error(), "before the first frame at 1 s") {
		t.Errorf("Describe before the first frame: error %v", err)
	}
}

// runTask runs one of the four tasks by name on p.
func runTask(ctx context.Context, p *grounding.Pipeline, task string) (any, error) {
	v := testVideo()
	switch task {
	case "ground":
		return p.Ground(ctx, v, query)
	case "answer":
		return p.Answer(ctx, v, question, []string{"red", "blue"})
	case "track":
		return p.Track(ctx, v, phrase, event)
	case "describe":
		return p.Describe(ctx, v, 1, 2)
	}
	return nil, fmt.Errorf("no task %q", task)
}

func TestTaskProgress(t *testing.T) {
	tests := []struct {
		task string
		want []string
	}{
		{"ground", []string{"segment", "encode", "text", "time", "fuse", "sequence", "lm", "spans"}},
		{"answer", []string{"segment", "encode", "text", "time", "fuse", "sequence", "lm", "spans", "choices", "answer"}},
		{"track", []string{"track", "segment", "encode", "text", "time", "fuse", "sequence", "lm", "spans"}},
		{"describe", []string{"encode", "text", "time", "fuse", "sequence", "prompt", "decode"}},
	}
	for _, tc := range tests {
		t.Run(tc.task, func(t *testing.T) {
			var got []string
			opts := grounding.Options{Progress: func(stage string, done, total int) {
				got = append(got, fmt.Sprintf("%s %d/%d", stage, done, total))
			}}
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, &tokenLM{d: dLLM}, &fixedHead{logits: []float64{0, 1}}), opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := runTask(context.Background(), p, tc.task); err != nil {
				t.Fatal(err)
			}
			var want []string
			for i, s := range tc.want {
				want = append(want, fmt.Sprintf("%s %d/%d", s, i+1, len(tc.want)))
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
	p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, identityLM{dLLM}, nil), grounding.Options{
		Progress: func(stage string, done, total int) {
			if stage != "track" || done != 1 || total != 1 {
				t.Errorf("progress %s %d/%d, want track 1/1", stage, done, total)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Track(context.Background(), testVideo(), phrase, ""); err != nil {
		t.Fatal(err)
	}
}

func TestTaskCancelled(t *testing.T) {
	tests := []struct {
		task     string
		cancelAt string // cancel when this stage reports done; "" cancels before the task
		stage    string // the stage named in the error
	}{
		{"ground", "", "segment"},
		{"ground", "sequence", "lm"},
		{"answer", "", "segment"},
		{"answer", "spans", "choices"},
		{"answer", "choices", "answer"},
		{"track", "", "track"},
		{"track", "track", "segment"},
		{"track", "lm", "spans"},
		{"describe", "", "encode"},
		{"describe", "sequence", "prompt"},
		{"describe", "prompt", "decode"},
	}
	for _, tc := range tests {
		t.Run(tc.task+" after "+tc.cancelAt, func(t *testing.T) {
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
			p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, &tokenLM{d: dLLM}, &fixedHead{logits: []float64{0, 1}}), opts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := runTask(ctx, p, tc.task)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("%s = %v, %v; want an error wrapping context.Canceled", tc.task, res, err)
			}
			if want := "before stage " + tc.stage + ":"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
		})
	}
}

func TestTaskBadInput(t *testing.T) {
	var nilCtx context.Context
	p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, &tokenLM{d: dLLM}, &fixedHead{logits: []float64{0, 1}}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := testVideo()
	bad.Frames = tensor.New(tensor.WithShape(testT, testH, testW), tensor.Of(tensor.Float32))
	tests := []struct {
		name   string
		run    func() (any, error)
		is     error
		substr string
	}{
		{"ground: blank query", func() (any, error) { return p.Ground(context.Background(), testVideo(), "\t\n") }, nil, "empty query"},
		{"ground: no word", func() (any, error) { return p.Ground(context.Background(), testVideo(), "?? !") }, nil, `query "?? !" has no word`},
		{"ground: not UTF-8", func() (any, error) { return p.Ground(context.Background(), testVideo(), "red \xff") }, nil, "not valid UTF-8"},
		{"ground: nil context", func() (any, error) { return p.Ground(nilCtx, testVideo(), query) }, nil, "nil context"},
		{"ground: frames not (T,H,W,3)", func() (any, error) { return p.Ground(context.Background(), bad, query) }, grounding.ErrBadVideo, "frames of shape (6, 8, 8)"},
		{"answer: nil context", func() (any, error) { return p.Answer(nilCtx, testVideo(), question, []string{"a", "b"}) }, nil, "nil context"},
		{"answer: bad video", func() (any, error) { return p.Answer(context.Background(), bad, question, []string{"a", "b"}) }, grounding.ErrBadVideo, "answer"},
		{"track: nil context", func() (any, error) { return p.Track(nilCtx, testVideo(), phrase, "") }, nil, "nil context"},
		{"track: bad video", func() (any, error) { return p.Track(context.Background(), bad, phrase, "") }, grounding.ErrBadVideo, "track"},
		{"describe: nil context", func() (any, error) { return p.Describe(nilCtx, testVideo(), 0, 1) }, nil, "nil context"},
		{"describe: bad video", func() (any, error) { return p.Describe(context.Background(), bad, 0, 1) }, grounding.ErrBadVideo, "describe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.run()
			if err == nil {
				t.Fatalf("got %+v, nil; want an error", res)
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

// panicHead panics in Scores.
type panicHead struct{}

func (panicHead) Scores(*tensor.Dense, *tensor.Dense) ([]float64, error) { panic("head boom") }

func TestTaskPanics(t *testing.T) {
	p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, panicLM{identityLM{dLLM}}, panicHead{}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Track(context.Background(), testVideo(), phrase, event); err == nil || !strings.Contains(err.Error(), "stage lm panicked: boom") {
		t.Errorf("Track with a panicking LM: error %v", err)
	}
	p, err = grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, identityLM{dLLM}, panicHead{}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Answer(context.Background(), testVideo(), question, []string{"a", "b"}); err == nil || !strings.Contains(err.Error(), "stage answer panicked: head boom") {
		t.Errorf("Answer with a panicking head: error %v", err)
	}
}

func TestTasksConcurrent(t *testing.T) {
	lm := &tokenLM{d: dLLM, reply: "a red square"}
	p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, lm, &fixedHead{logits: []float64{0, 1}}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tasks := []string{"ground", "answer", "track", "describe"}
	want := make(map[string]any)
	for _, task := range tasks {
		if want[task], err = runTask(context.Background(), p, task); err != nil {
			t.Fatal(err)
		}
	}
	const rounds = 4
	got := make([]any, rounds*len(tasks))
	errs := make([]error, len(got))
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i], errs[i] = runTask(context.Background(), p, tasks[i%len(tasks)]) })
	}
	wg.Wait()
	for i := range got {
		task := tasks[i%len(tasks)]
		if errs[i] != nil {
			t.Fatalf("call %d (%s): %v", i, task, errs[i])
		}
		if diff := cmp.Diff(want[task], got[i], cmpopts.IgnoreFields(grounding.Entity{}, "Masks")); diff != "" {
			t.Errorf("call %d (%s) (-want +got):\n%s", i, task, diff)
		}
	}
}

func TestTaskJSONRoundTrip(t *testing.T) {
	p, err := grounding.New(taskStages(fixedSpans{peaked(2), peaked(4)}, &tokenLM{d: dLLM, reply: "a red square"}, &fixedHead{logits: []float64{0, 1}}), grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		task  string
		into  any
		wants []string // substrings of the JSON
	}{
		{"answer", &grounding.Answer{}, []string{`"query":"what colour is the square?"`, `"choices":["red","blue"]`, `"choice":1`, `"text":"blue"`, `"spans":[{"start":1,"end":2.5`}},
		{"track", &grounding.TrackResult{}, []string{`"phrase":"red square"`, `"gate":[false,true,true,true,true,false]`, `"happens":true`, `"span":{"start":1,"end":2.5`}},
		{"describe", &grounding.Description{}, []string{`{"start":1,"end":2,"text":"a red square"}`}},
	}
	for _, tc := range tests {
		t.Run(tc.task, func(t *testing.T) {
			res, err := runTask(context.Background(), p, tc.task)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, tc.into); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(res, tc.into, cmpopts.IgnoreFields(grounding.Entity{}, "Masks")); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			for _, s := range tc.wants {
				if !strings.Contains(string(b), s) {
					t.Errorf("JSON %s lacks %s", b, s)
				}
			}
		})
	}
}

func TestNewTaskOptions(t *testing.T) {
	for _, o := range []grounding.Options{{EventThreshold: -0.1}, {EventThreshold: 1.5}, {EventThreshold: math.NaN()}, {DescribeTokens: -1}} {
		if _, err := grounding.New(stages(fixedSpans{peaked(2), peaked(3)}), o); !errors.Is(err, grounding.ErrStage) {
			t.Errorf("New(%+v) = %v, want an error wrapping ErrStage", o, err)
		}
	}
}
