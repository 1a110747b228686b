package heads

import (
	"fmt"

	"github.com/videodit/videodit/internal/nn"
)

// SpanExample is one training example of the span head: the hidden states
// of a sequence and its ground-truth span.
type SpanExample struct {
	// Hidden holds the language model's output, (L, d), on the executor
	// of the loss.
	Hidden nn.V
	// Frames holds the positions of the T frame tokens in Hidden.
	Frames []int
	// Start and End are the ground-truth start and end frames, indices
	// into Frames, 0 <= Start <= End < T.
	Start, End int
}

// Loss returns the span loss of a batch on e, shape (1): the mean over the
// examples of the cross-entropies of p_s against the start frame and of p_e
// against the end frame, -log p_s(s*) - log p_e(e*) (Eq. 15's
// distributions). Gradients reach w_s, w_e and the hidden states. It fails
// on an empty batch, and on an example whose shapes or frames Logits
// rejects or whose span is reversed or outside [0, T), naming the example.
func (c *Classifier) Loss(e nn.Exec, batch []SpanExample) (nn.V, error) {
	if len(batch) == 0 {
		return nil, fmt.Errorf("heads: span loss of an empty batch")
	}
	var total nn.V
	for i, ex := range batch {
		if ex.Hidden == nil {
			return nil, fmt.Errorf("heads: span example %d: nil hidden states", i)
		}
		T := len(ex.Frames)
		if ex.Start < 0 || ex.End < ex.Start || ex.End >= T {
			return nil, fmt.Errorf("heads: span example %d: span [%d, %d] outside [0, %d) or reversed", i, ex.Start, ex.End, T)
		}
		ls, le, err := c.Logits(e, ex.Hidden, ex.Frames)
		if err != nil {
			return nil, fmt.Errorf("heads: span example %d: %w", i, err)
		}
		l := e.Add(nn.CrossEntropy(e, ls, []int{ex.Start}), nn.CrossEntropy(e, le, []int{ex.End}))
		if total == nil {
			total = l
		} else {
			total = e.Add(total, l)
		}
	}
	return e.Scale(total, 1/float32(len(batch))), nil
}
