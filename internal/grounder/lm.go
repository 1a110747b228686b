package grounder

import (
	"context"
	"fmt"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/grounding"

	"github.com/videodit/videodit/internal/nn"
)

var (
	_ grounding.LanguageModel = LM{}
	_ grounding.TokenEmbedder = LM{}
	_ grounding.Decoder       = LM{}
	_ grounding.AnswerHead    = Answers{}
)

// LM is the language-model stage of a grounding.Pipeline over Base: the
// frozen model with its adapters, run on the eager executor. Besides
// Hidden and Dim it embeds instruction text and time tokens with the
// model's own token table. Skip is the model's Config.Skip. It is safe for
// concurrent use.
type LM struct {
	Base Base
	Skip bool
}

// Dim returns d_LLM.
func (l LM) Dim() int { return l.Base.LM.Config().HiddenSize }

// Hidden runs the model on embeddings (L, d_LLM) and returns the states
// the heads read, (L, d_LLM) (Base.Hidden).
func (l LM) Hidden(ctx context.Context, embeddings *tensor.Dense) (*tensor.Dense, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := nn.NewEager()
	h, err := l.Base.Hidden(e, e.Const(embeddings), l.Skip)
	if err != nil {
		return nil, err
	}
	return eagerCopy(e, h)
}

// Hidden runs the language model on seq, (L, d_LLM), on e and returns the
// states the heads read, (L, d_LLM): the model's final hidden states, plus
// seq itself when skip is set (Config.Skip).
func (b Base) Hidden(e nn.Exec, seq nn.V, skip bool) (nn.V, error) {
	h, err := b.LM.Forward(e, seq, nil)
	if err != nil || !skip {
		return h, err
	}
	return e.Add(h, seq), nil
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

// Decode implements grounding.Decoder: it appends prompt (P, d_LLM) to seq
// (L, d_LLM) and greedily generates at most max tokens with the language
// model's head (its adapters on), stopping at [SEP], and returns the word
// pieces joined into text. A prompt made by EmbedText starts with [CLS]
// and ends with [SEP]; those two rows are dropped, so that generation
// continues the prompt's words (the language model was pretrained on
// "[CLS] between <a> and <b> ... [SEP]" descriptions).
func (l LM) Decode(ctx context.Context, seq, prompt *tensor.Dense, max int) (string, error) {
	tok := l.Base.Tok
	cls, err := tok.ID(fusion.ClsToken)
	if err != nil {
		return "", err
	}
	sep, err := tok.ID(fusion.SepToken)
	if err != nil {
		return "", err
	}
	e := nn.NewEager()
	table := e.Param(l.Base.LM.Embed.W)
	d := l.Dim()
	p := e.Const(prompt)
	if n := prompt.Shape()[0]; n > 0 && sameRow(prompt, 0, l.Base.LM.Embed.W, cls) {
		p = e.Slice(p, 0, 1, n)
	}
	if n := p.Shape()[0]; n > 0 && sameRow(prompt, prompt.Shape()[0]-1, l.Base.LM.Embed.W, sep) {
		p = e.Slice(p, 0, 0, n-1)
	}
	x := e.Concat(0, e.Const(seq), p)
	var words []string
	for range max {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		h, err := l.Base.LM.Forward(e, x, nil)
		if err != nil {
			return "", err
		}
		L := h.Shape()[0]
		logits := e.Dense(l.Base.LM.Logits(e, e.Slice(h, 0, L-1, L))).Float32s()
		if err := e.Err(); err != nil {
			return "", err
		}
		best := 0
		for i, v := range logits {
			if v > logits[best] {
				best = i
			}
		}
		if best == sep {
			break
		}
		w, err := tok.Token(best)
		if err != nil {
			return "", err
		}
		words = append(words, w)
		x = e.Concat(0, x, e.Reshape(e.Gather(table, []int{best}), 1, d))
	}
	return joinPieces(words), e.Err()
}

// sameRow reports whether row r of a (n, d) equals row id of table.
func sameRow(a *tensor.Dense, r int, table *tensor.Dense, id int) bool {
	d := a.Shape()[1]
	x, w := a.Float32s()[r*d:(r+1)*d], table.Float32s()[id*d:(id+1)*d]
	for i := range x {
		if x[i] != w[i] {
			return false
		}
	}
	return true
}

// joinPieces joins WordPiece tokens into text: a "##" piece continues the
// previous word.
func joinPieces(pieces []string) string {
	var b strings.Builder
	for i, p := range pieces {
		if rest, ok := strings.CutPrefix(p, "##"); ok {
			b.WriteString(rest)
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}
