package lm

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Forward runs the decoder on input embeddings x of shape (L, D), or
// (B, L, D) for a batch of equal-length sequences, and returns the hidden
// states after the final RMSNorm, with x's shape. Attention is causal (and,
// for phi3 with a sliding window, limited to the last SlidingWindow keys);
// positions (length L, each in [0, max_position_embeddings)) are the rotary
// positions of the L tokens, nil meaning 0..L-1.
//
// Argument errors (rank, width, positions) are returned; errors of the
// executor's operations are recorded in e (see nn.Exec) and the returned
// value is then a placeholder.
func (m *Model) Forward(e nn.Exec, x nn.V, positions []int) (nn.V, error) {
	s := x.Shape()
	if len(s) != 2 && len(s) != 3 || s[len(s)-1] != m.cfg.HiddenSize || s[len(s)-2] == 0 {
		return nil, fmt.Errorf("lm: Forward: input embeddings of shape %v, want (L, %d) or (B, L, %d) with L > 0", s, m.cfg.HiddenSize, m.cfg.HiddenSize)
	}
	l := s[len(s)-2]
	if positions != nil {
		if len(positions) != l {
			return nil, fmt.Errorf("lm: Forward: %d positions for %d tokens", len(positions), l)
		}
		for i, p := range positions {
			if p < 0 || p >= m.cfg.MaxPositionEmbeddings {
				return nil, fmt.Errorf("lm: Forward: position %d (token %d) outside [0, %d) (max_position_embeddings)", p, i, m.cfg.MaxPositionEmbeddings)
			}
		}
	} else if l > m.cfg.MaxPositionEmbeddings {
		return nil, fmt.Errorf("lm: Forward: %d tokens exceed max_position_embeddings %d", l, m.cfg.MaxPositionEmbeddings)
	}
	bias := e.Const(causalBias(l, m.cfg.SlidingWindow))
	h := x
	for i := range m.Layers {
		h = m.Layers[i].Forward(e, h, positions, bias)
	}
	return m.Norm.Forward(e, h), nil
}

// Logits maps hidden states h of shape (..., D) (from Forward) to logits
// (..., vocab) through lm_head, or through the embedding matrix when the
// config ties them.
func (m *Model) Logits(e nn.Exec, h nn.V) nn.V {
	if m.Head != nil {
		return m.Head.Forward(e, h)
	}
	tied := nn.Linear{W: m.Embed.W}
	return tied.Forward(e, h)
}

// causalBias returns the additive attention bias (L, L), axes (query, key):
// 0 where the query at index q sees the key at index k (k <= q, and
// q - k < window when window > 0), nn.MaskedBias elsewhere.
func causalBias(l, window int) *tensor.Dense {
	b := nn.CausalBias(l)
	if window <= 0 {
		return b
	}
	data := b.Float32s()
	for q := range l {
		for k := 0; k <= q-window; k++ {
			data[q*l+k] = nn.MaskedBias
		}
	}
	return b
}
