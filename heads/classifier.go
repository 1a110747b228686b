package heads

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// SpanDecoder reads the language model's hidden states at the frame
// positions and scores every frame as the start and the end of the answer
// span (paper Eq. 15).
type SpanDecoder interface {
	// Distributions returns p_s and p_e, each of length T = len(frames),
	// from hidden of shape (L, d) (axis 0 the sequence position) and the
	// positions frames of the T frame tokens in it. It fails on T = 0, a
	// position outside [0, L) and a width other than the decoder's.
	Distributions(hidden *tensor.Dense, frames []int) (ps, pe []float64, err error)
}

// Decode runs dec and returns the best frame span (Eq. 16, DecodeSpan).
func Decode(dec SpanDecoder, hidden *tensor.Dense, frames []int) (FrameSpan, error) {
	ps, pe, err := dec.Distributions(hidden, frames)
	if err != nil {
		return FrameSpan{}, err
	}
	s, e, score, err := DecodeSpan(ps, pe)
	if err != nil {
		return FrameSpan{}, err
	}
	return FrameSpan{Start: s, End: e, Score: score}, nil
}

// Classifier is the span head of Eq. 15: two linear scores over the hidden
// states of the frame tokens, p_s(t) = softmax_t(w_s . h_t) and
// p_e(t) = softmax_t(w_e . h_t). Start.W is w_s and End.W is w_e, each of
// shape (1, d); there is no bias (a bias shared by all frames cancels in the
// softmax).
type Classifier struct {
	Start nn.Linear `st:"start"`
	End   nn.Linear `st:"end"`
}

var _ SpanDecoder = (*Classifier)(nil)

// NewClassifier returns a span head over hidden states of width d, w_s and
// w_e drawn from rng uniform in +-1/sqrt(d) (PyTorch's nn.Linear).
func NewClassifier(rng *rand.Rand, d int) (*Classifier, error) {
	if d < 1 {
		return nil, fmt.Errorf("heads: classifier width %d, want >= 1", d)
	}
	return &Classifier{Start: *nn.NewLinear(rng, d, 1, false), End: *nn.NewLinear(rng, d, 1, false)}, nil
}

// Dim returns the width d of the hidden states.
func (c *Classifier) Dim() int { return c.Start.W.Shape()[1] }

// check validates hidden's shape and the frame positions.
func (c *Classifier) check(hs tensor.Shape, frames []int) error {
	d := c.Dim()
	if len(hs) != 2 {
		return fmt.Errorf("heads: hidden states have shape %v, want (L, d=%d)", hs, d)
	}
	if hs[1] != d {
		return fmt.Errorf("heads: hidden states have width %d, the classifier has width %d", hs[1], d)
	}
	if len(frames) == 0 {
		return fmt.Errorf("heads: no frame positions (T = 0)")
	}
	for i, p := range frames {
		if p < 0 || p >= hs[0] {
			return fmt.Errorf("heads: frame %d at position %d, outside the %d hidden states", i, p, hs[0])
		}
	}
	return nil
}

// Logits returns the start and end logits w_s . h_t and w_e . h_t over the
// frames, each of shape (1, T), from hidden (L, d) on e.
func (c *Classifier) Logits(e nn.Exec, hidden nn.V, frames []int) (start, end nn.V, err error) {
	if err := c.check(hidden.Shape(), frames); err != nil {
		return nil, nil, err
	}
	h := e.Gather(hidden, frames) // (T, d)
	start = e.MatMul(e.Param(c.Start.W), h, false, true)
	end = e.MatMul(e.Param(c.End.W), h, false, true)
	return start, end, nil
}

// Distributions computes Eq. 15 on the eager executor.
func (c *Classifier) Distributions(hidden *tensor.Dense, frames []int) (ps, pe []float64, err error) {
	if hidden == nil {
		return nil, nil, fmt.Errorf("heads: nil hidden states")
	}
	if hidden.Dtype() != tensor.Float32 {
		return nil, nil, fmt.Errorf("heads: hidden states are %v, want float32", hidden.Dtype())
	}
	e := nn.NewEager()
	ls, le, err := c.Logits(e, e.Const(hidden), frames)
	if err != nil {
		return nil, nil, err
	}
	if err := e.Err(); err != nil {
		return nil, nil, fmt.Errorf("heads: span logits: %w", err)
	}
	if ps, err = Softmax(float64s(e.Dense(ls))); err != nil {
		return nil, nil, fmt.Errorf("heads: start distribution: %w", err)
	}
	if pe, err = Softmax(float64s(e.Dense(le))); err != nil {
		return nil, nil, fmt.Errorf("heads: end distribution: %w", err)
	}
	return ps, pe, nil
}

func float64s(t *tensor.Dense) []float64 {
	src := t.Data().([]float32)
	out := make([]float64, len(src))
	for i, x := range src {
		out[i] = float64(x)
	}
	return out
}
