package grounder

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/nn"
)

func TestPredict(t *testing.T) {
	b := tinyBase(t, 1)
	m, set := tinyModel(t, tinyConfig(), b, 1)
	randomizeB(set.Params(), 2)
	for i, s := range synthSamples(t, b.Tok) {
		for _, k := range []int{1, 3} {
			p, err := Predict(m, b, s, k, 0.5)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Spans) < 1 || len(p.Spans) > k {
				t.Errorf("sample %d, k %d: %d spans", i, k, len(p.Spans))
			}
			for _, sp := range p.Spans {
				if !(0 <= sp.Start && sp.Start < sp.End && sp.End <= s.Duration) {
					t.Errorf("sample %d: span %+v outside [0, %v] or empty", i, sp, s.Duration)
				}
			}
			if len(s.ChoiceText) == 0 && p.Answer != -1 {
				t.Errorf("sample %d: answer %d without choices, want -1", i, p.Answer)
			}
			if len(s.ChoiceText) > 0 && (p.Answer < 0 || p.Answer >= len(s.ChoiceText)) {
				t.Errorf("sample %d: answer %d of %d choices", i, p.Answer, len(s.ChoiceText))
			}
		}
	}
}

// TestPredictDecodes checks Predict against its definition on the model's
// logits: the top span of Eq. 16 in seconds and the arg-max choice.
func TestPredictDecodes(t *testing.T) {
	b := tinyBase(t, 1)
	m, set := tinyModel(t, tinyConfig(), b, 1)
	randomizeB(set.Params(), 2)
	s := synthSample(t, b.Tok, 5, "what colour is the ball ?", 3, 3, true, 1)
	e := nn.NewEager()
	out, err := m.Forward(e, b, s.Input(m.Config))
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := heads.Softmax(float64s(e.Dense(out.Start).Float32s()))
	pe, _ := heads.Softmax(float64s(e.Dense(out.End).Float32s()))
	best, bs, be := -1.0, 0, 0
	for i := range ps {
		for j := i; j < len(pe); j++ {
			if ps[i]*pe[j] > best {
				best, bs, be = ps[i]*pe[j], i, j
			}
		}
	}
	want, err := heads.SpanSeconds(bs, be, s.Times, s.Duration)
	if err != nil {
		t.Fatal(err)
	}
	ans := e.Dense(out.Answer).Float32s()
	wantAns := 0
	for i, v := range ans {
		if v > ans[wantAns] {
			wantAns = i
		}
	}
	p, err := Predict(m, b, s, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&Prediction{Spans: []heads.Span{want}, Scores: []float64{best}, Answer: wantAns}, p, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("Predict (-want +got):\n%s", diff)
	}
}

func TestPredictErrors(t *testing.T) {
	b := tinyBase(t, 1)
	m, _ := tinyModel(t, tinyConfig(), b, 1)
	s := synthSample(t, b.Tok, 5, "the ball", 1, 2, false, -1)
	bad := *s
	bad.Duration = 1 // before the last frame (2.5 s)
	if _, err := Predict(m, b, &bad, 1, 0); err == nil {
		t.Errorf("Predict with a duration before the last frame: no error")
	}
	if _, err := Predict(m, b, s, 0, 0); err == nil {
		t.Errorf("Predict with k = 0: no error")
	}
	wide := *s
	wide.PooledDim = tinyPooled - 1
	wide.Pooled = wide.Pooled[:tinyT*(tinyPooled-1)]
	if _, err := Predict(m, b, &wide, 1, 0); err == nil {
		t.Errorf("Predict on misshapen features: no error")
	}
}

func TestEvaluate(t *testing.T) {
	b := tinyBase(t, 1)
	m, set := tinyModel(t, tinyConfig(), b, 1)
	randomizeB(set.Params(), 2)
	samples := synthSamples(t, b.Tok)
	ground, qa, err := Evaluate(m, b, samples)
	if err != nil {
		t.Fatal(err)
	}
	// Recompute the reports from Predict.
	var gq, aq []heads.Query
	for _, s := range samples {
		p, err := Predict(m, b, s, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		q := heads.Query{ID: s.Query, Pred: p.Spans}
		for _, g := range s.GT {
			q.GT = append(q.GT, heads.Span{Start: g[0], End: g[1]})
		}
		if s.Answer >= 0 {
			q.Answered, q.Answer, q.Prediction = true, s.ChoiceText[s.Answer], s.ChoiceText[p.Answer]
			aq = append(aq, q)
		} else {
			gq = append(gq, q)
		}
	}
	wantG, err := heads.Evaluate(gq)
	if err != nil {
		t.Fatal(err)
	}
	wantQ, err := heads.Evaluate(aq)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantG, ground); diff != "" {
		t.Errorf("grounding report (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantQ, qa); diff != "" {
		t.Errorf("QA report (-want +got):\n%s", diff)
	}
	if ground.N != 4 || qa.N != 2 || qa.AccGQA == nil || ground.AccGQA != nil {
		t.Errorf("grounding N %d (want 4), QA N %d (want 2), QA Acc@GQA %v (want set), grounding Acc@GQA %v (want nil)", ground.N, qa.N, qa.AccGQA, ground.AccGQA)
	}

	// Only grounding queries: the QA report is zero.
	g2, q2, err := Evaluate(m, b, samples[:4])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(heads.Report{}, q2); diff != "" || g2 != ground {
		t.Errorf("grounding only: QA report (-zero +got):\n%s\ngrounding report %+v, want %+v", diff, g2, ground)
	}
}

func TestEvaluatePerfectModel(t *testing.T) {
	// A model that memorises four questions (24 steps reach 100 on both
	// here) scores high on them: the metrics are wired to the targets.
	b := tinyBase(t, 1)
	samples := questionSamples(t, b.Tok)
	o := tinyTrainOptions()
	o.Steps, o.LR, o.KLWeight = 24, 3e-2, 0
	m, _, err := Fit(context.Background(), b, tinyConfig(), samples, 3, o)
	if err != nil {
		t.Fatal(err)
	}
	_, qa, err := Evaluate(m, b, samples)
	if err != nil {
		t.Fatal(err)
	}
	if qa.R1At05 < 50 || qa.AccQA == nil || *qa.AccQA < 50 {
		t.Errorf("after memorising 4 questions: R1@0.5 %.0f, Acc@QA %v; want at least 50 each", qa.R1At05, qa.AccQA)
	}
}

func TestLMStage(t *testing.T) {
	b := tinyBase(t, 1)
	l := LM{Base: b}
	ctx := context.Background()
	if l.Dim() != 16 {
		t.Errorf("Dim = %d, want 16", l.Dim())
	}
	table := b.LM.Embed.W.Float32s()
	rows := func(ids []int) []float32 {
		var out []float32
		for _, id := range ids {
			out = append(out, table[id*16:(id+1)*16]...)
		}
		return out
	}
	ids, err := b.Tok.Encode("the red ball")
	if err != nil {
		t.Fatal(err)
	}
	emb, err := l.EmbedText(ctx, "the red ball")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rows(ids), emb.Float32s()); diff != "" || !cmp.Equal([]int{len(ids), 16}, []int(emb.Shape())) {
		t.Errorf("EmbedText: shape %v; values (-table rows +got):\n%s", emb.Shape(), diff)
	}
	tt, err := l.TimeTokens(3)
	if err != nil {
		t.Fatal(err)
	}
	tids, _ := TimeTokenIDs(b.Tok, 3)
	if diff := cmp.Diff(rows(tids), tt.Float32s()); diff != "" {
		t.Errorf("TimeTokens (-table rows +got):\n%s", diff)
	}
	if _, err := l.TimeTokens(5); err == nil {
		t.Errorf("TimeTokens(5) with 4 time tokens in the vocabulary: no error")
	}

	// Hidden is the frozen model (with whatever adapters are attached) on
	// the eager executor, and leaves the input alone.
	in := tensor.New(tensor.WithShape(3, 16), tensor.WithBacking(rows(ids[:3])))
	before := append([]float32(nil), in.Float32s()...)
	h, err := l.Hidden(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	e := nn.NewEager()
	want, err := b.LM.Forward(e, e.Const(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.Dense(want).Float32s(), h.Float32s()); diff != "" {
		t.Errorf("Hidden (-lm.Forward +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, in.Float32s()); diff != "" {
		t.Errorf("Hidden changed its input:\n%s", diff)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Hidden(cctx, in); !errors.Is(err, context.Canceled) {
		t.Errorf("Hidden with a cancelled context: %v", err)
	}
	if _, err := l.Hidden(ctx, tensor.New(tensor.WithShape(3, 15), tensor.Of(tensor.Float32))); err == nil {
		t.Errorf("Hidden of width 15: no error")
	}
}

func TestAnswersMatchForward(t *testing.T) {
	// The pipeline's answer head scores what Forward's choice logits say.
	b := tinyBase(t, 1)
	m, set := tinyModel(t, tinyConfig(), b, 1)
	randomizeB(set.Params(), 2)
	s := synthSample(t, b.Tok, 5, "what colour is the ball ?", 1, 2, true, 0)
	in := s.Input(m.Config)
	e := nn.NewEager()
	out, err := m.Forward(e, b, in)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := Answers{Model: m}.Scores(e.Dense(out.Hidden), in.Choices)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(float64s(e.Dense(out.Answer).Float32s()), scores); diff != "" {
		t.Errorf("Scores (-Forward +Answers):\n%s", diff)
	}
	if _, err := (Answers{Model: m}).Scores(e.Dense(out.Hidden), tensor.New(tensor.WithShape(2, tinyText+1), tensor.Of(tensor.Float32))); err == nil {
		t.Errorf("Scores with choices of the wrong width: no error")
	}
	for _, v := range scores {
		if math.IsNaN(v) {
			t.Errorf("NaN score")
		}
	}
}

// TestConcurrentUse runs Predict and the LM stage from several goroutines
// on one model (the pipeline is documented safe for concurrent use): under
// -race this finds shared mutable state; the results equal serial runs.
func TestConcurrentUse(t *testing.T) {
	b := tinyBase(t, 1)
	m, set := tinyModel(t, tinyConfig(), b, 1)
	randomizeB(set.Params(), 2)
	samples := synthSamples(t, b.Tok)
	want := make([]*Prediction, len(samples))
	for i, s := range samples {
		p, err := Predict(m, b, s, 2, 0.5)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = p
	}
	l := LM{Base: b}
	wantEmb, err := l.EmbedText(context.Background(), "the red ball")
	if err != nil {
		t.Fatal(err)
	}
	got := make([]*Prediction, len(samples))
	errs := make(chan error, 2*len(samples))
	done := make(chan struct{})
	for i, s := range samples {
		go func() {
			defer func() { done <- struct{}{} }()
			p, err := Predict(m, b, s, 2, 0.5)
			if err != nil {
				errs <- err
			}
			got[i] = p
		}()
		go func() {
			defer func() { done <- struct{}{} }()
			emb, err := l.EmbedText(context.Background(), "the red ball")
			if err != nil {
				errs <- err
				return
			}
			if _, err := l.Hidden(context.Background(), emb); err != nil {
				errs <- err
			}
			if !cmp.Equal(wantEmb.Float32s(), emb.Float32s()) {
				errs <- errors.New("EmbedText differs from a serial call")
			}
		}()
	}
	for range 2 * len(samples) {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("concurrent predictions (-serial +concurrent):\n%s", diff)
	}
}

// TestLMStageSkip checks that the stage with Skip adds its input to the
// language model's output, as Model.Forward does with Config.Skip.
func TestLMStageSkip(t *testing.T) {
	b := tinyBase(t, 1)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	emb := make([]float32, 5*16)
	for i := range emb {
		emb[i] = float32(rng.NormFloat64())
	}
	x := tensor.New(tensor.WithShape(5, 16), tensor.WithBacking(emb))
	plain, err := LM{Base: b}.Hidden(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	skip, err := LM{Base: b, Skip: true}.Hidden(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(emb))
	for i := range want {
		want[i] = float64(plain.Float32s()[i]) + float64(emb[i])
	}
	if diff := cmp.Diff(want, float64s(skip.Float32s()), cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("Hidden with Skip (-want +got):\n%s", diff)
	}
}
