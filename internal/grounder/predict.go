package grounder

import (
	"fmt"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/nn"
)

// Prediction is the model's answer for one Sample.
type Prediction struct {
	// Spans are the ranked spans in seconds, best first, and Scores their
	// scores p_s(s) p_e(e) (Eq. 16).
	Spans  []heads.Span
	Scores []float64
	// Answer is the chosen choice's index (-1 without choices).
	Answer int
}

// Predict runs Forward on the eager executor and decodes the top k spans
// (Eq. 16 with suppression at maxIoU, heads.TopSpans) in seconds, and the
// best choice of a question.
func Predict(m *Model, b Base, s *Sample, k int, maxIoU float64) (*Prediction, error) {
	if err := s.Validate(m.Config); err != nil {
		return nil, err
	}
	e := nn.NewEager()
	out, err := m.Forward(e, b, s.Input(m.Config))
	if err != nil {
		return nil, err
	}
	// The pipeline's decoding (heads.Classifier.Distributions), on the
	// same hidden states.
	ps, pe, err := m.Spans.Distributions(e.Dense(out.Hidden), out.Layout.Frames)
	if err != nil {
		return nil, err
	}
	top, err := heads.TopSpans(ps, pe, k, maxIoU)
	if err != nil {
		return nil, err
	}
	p := &Prediction{Answer: -1}
	for _, f := range top {
		sp, err := heads.SpanSeconds(f.Start, f.End, s.Times, s.Duration)
		if err != nil {
			return nil, fmt.Errorf("grounder: %s %q: %w", s.Video, s.Query, err)
		}
		p.Spans = append(p.Spans, sp)
		p.Scores = append(p.Scores, f.Score)
	}
	if out.Answer != nil {
		a := e.Dense(out.Answer).Float32s()
		p.Answer = 0
		for i, v := range a {
			if v > a[p.Answer] {
				p.Answer = i
			}
		}
	}
	return p, nil
}

func float64s(xs []float32) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// Evaluate predicts every sample and scores the predictions with
// heads.Evaluate: grounding metrics over the grounding queries, and over
// the questions IoP and Acc@GQA. Either report is zero when the samples
// hold no item of its kind.
func Evaluate(m *Model, b Base, samples []*Sample) (ground, qa heads.Report, err error) {
	var gq, aq []heads.Query
	for _, s := range samples {
		p, err := Predict(m, b, s, 1, 0)
		if err != nil {
			return ground, qa, err
		}
		q := heads.Query{ID: s.Video + ": " + s.Query, Pred: p.Spans}
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
	if len(gq) > 0 {
		if ground, err = heads.Evaluate(gq); err != nil {
			return ground, qa, err
		}
	}
	if len(aq) > 0 {
		qa, err = heads.Evaluate(aq)
	}
	return ground, qa, err
}
