package grounder

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// LM is the language-model stage of a grounding.Pipeline over Base: the
// frozen model with its adapters, run on the eager executor. Besides
// Hidden and Dim it embeds instruction text and time tokens with the
// model's own token table. It is safe for concurrent use.
type LM struct{ Base Base }

// Dim returns d_LLM.
func (l LM) Dim() int { return l.Base.LM.Config().HiddenSize }

// Hidden runs the model on embeddings (L, d_LLM) and returns the final
// hidden states, (L, d_LLM).
func (l LM) Hidden(ctx context.Context, embeddings *tensor.Dense) (*tensor.Dense, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := nn.NewEager()
	h, err := l.Base.LM.Forward(e, e.Const(embeddings), nil)
	if err != nil {
		return nil, err
	}
	return eagerCopy(e, h)
}

// EmbedText returns the token embeddings of [CLS] text [SEP], (L_ins,
// d_LLM).
func (l LM) EmbedText(ctx context.Context, text string) (*tensor.Dense, error) {
	ids, err := l.Base.Tok.Encode(text)
	if err != nil {
		return nil, fmt.Errorf("grounder: instruction %q: %w", text, err)
	}
	return l.rows(ids)
}

// TimeTokens returns the embeddings of the time tokens <0>..<n-1>, (n,
// d_LLM).
func (l LM) TimeTokens(n int) (*tensor.Dense, error) {
	ids, err := TimeTokenIDs(l.Base.Tok, n)
	if err != nil {
		return nil, err
	}
	return l.rows(ids)
}

func (l LM) rows(ids []int) (*tensor.Dense, error) {
	e := nn.NewEager()
	return eagerCopy(e, e.Gather(e.Param(l.Base.LM.Embed.W), ids))
}

// eagerCopy returns a copy of v's tensor, or e's error.
func eagerCopy(e *nn.Eager, v nn.V) (*tensor.Dense, error) {
	if err := e.Err(); err != nil {
		return nil, err
	}
	d := e.Dense(v)
	return tensor.New(tensor.WithShape(d.Shape().Clone()...), tensor.WithBacking(append([]float32(nil), d.Float32s()...))), nil
}

// Answers is the choice head of a Model as a grounding.AnswerHead.
type Answers struct{ Model *Model }

// Scores returns one logit per choice from the hidden states (L, d_LLM)
// and the choices' text embeddings (C, d_t) (Model.ChoiceLogits).
func (a Answers) Scores(hidden, choices *tensor.Dense) ([]float64, error) {
	e := nn.NewEager()
	l, err := a.Model.ChoiceLogits(e, e.Const(hidden), e.Const(choices))
	if err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	return float64s(e.Dense(l).Float32s()), nil
}
