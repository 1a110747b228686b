package grounding

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/heads"
)

// Answer answers a multiple-choice question about v and grounds it (paper
// Fig. 1, grounded QA). It runs Ground's stages with the question as the
// query (segment to spans: the spans are the evidence), then
//
//  9. choices: each choice's e_text with Stages.Text, stacked to (C, d_t);
//  10. answer: Stages.Answers.Scores on the hidden states (L, d_LLM) of
//     the question's mixed-token sequence and the choices, one logit per
//     choice; Probs is their softmax and Choice the most probable (the
//     first on a tie).
//
// Without Stages.Answers it fails with an error wrapping ErrUnsupported.
// Bad input fails before any stage with an error naming it: the question
// and the video as in Ground, fewer than 2 choices, an empty choice or one
// without a word. A head returning another number of logits than choices,
// or a NaN or infinite logit, is an error of stage answer. Progress,
// cancellation and panics are handled as in Ground.
func (p *Pipeline) Answer(ctx context.Context, v *Video, question string, choices []string) (ans *Answer, err error) {
	s := &stepper{ctx: ctx, prog: p.opt.Progress, what: fmt.Sprintf("answer %q", question), total: len(groundStages) + 2}
	defer func() {
		if r := recover(); r != nil {
			ans, err = nil, s.panicked(r)
		}
	}()
	if p.st.Answers == nil {
		return nil, s.input(fmt.Errorf("%w: the pipeline has no answer head (Stages.Answers)", ErrUnsupported))
	}
	dims, err := s.check(v, "question", question)
	if err != nil {
		return nil, err
	}
	if len(choices) < 2 {
		return nil, s.input(fmt.Errorf("%d choices %q, want at least 2", len(choices), choices))
	}
	for i, c := range choices {
		if err := checkText(fmt.Sprintf("choice %d", i), c); err != nil {
			return nil, s.input(err)
		}
	}
	res, ps, err := p.ground(s, v, dims, question)
	if err != nil {
		return nil, err
	}

	if err := s.next("choices"); err != nil {
		return nil, err
	}
	dt := p.st.Text.Dim()
	emb := make([]float32, 0, len(choices)*dt)
	for i, c := range choices {
		e, err := p.st.Text.Encode(s.ctx, c)
		if err != nil {
			return nil, s.fail(fmt.Errorf("choice %d %q: %w", i, c, err))
		}
		if len(e) != dt {
			return nil, s.fail(fmt.Errorf("choice %d %q: embedding of width %d, want d_t = %d", i, c, len(e), dt))
		}
		emb = append(emb, e...)
	}
	cs := tensor.New(tensor.WithShape(len(choices), dt), tensor.WithBacking(emb))

	if err := s.next("answer"); err != nil {
		return nil, err
	}
	logits, err := p.st.Answers.Scores(ps.hidden, cs)
	if err != nil {
		return nil, s.fail(err)
	}
	if len(logits) != len(choices) {
		return nil, s.fail(fmt.Errorf("answer head gave %d logits for %d choices", len(logits), len(choices)))
	}
	probs, err := heads.Softmax(logits)
	if err != nil {
		return nil, s.fail(err)
	}
	best := 0
	for i, l := range logits {
		if l > logits[best] {
			best = i
		}
	}
	s.finish()
	return &Answer{
		Result:  res,
		Choices: append([]string(nil), choices...),
		Choice:  best,
		Text:    choices[best],
		Probs:   probs,
	}, nil
}
