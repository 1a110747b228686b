package nn

import "math/rand/v2"

// GatedMLP is the SwiGLU feed-forward block of Llama:
// Down(SiLU(Gate(x)) * Up(x)), with Hugging Face names.
type GatedMLP struct {
	// Gate and Up map D to Hidden; Down maps Hidden back to D.
	Gate Linear `st:"gate_proj"`
	Up   Linear `st:"up_proj"`
	Down Linear `st:"down_proj"`
}

// NewGatedMLP returns a SwiGLU block d -> hidden -> d without biases (as
// Llama), initialised from rng.
func NewGatedMLP(rng *rand.Rand, d, hidden int) *GatedMLP {
	return &GatedMLP{
		Gate: *NewLinear(rng, d, hidden, false),
		Up:   *NewLinear(rng, d, hidden, false),
		Down: *NewLinear(rng, hidden, d, false),
	}
}

// Forward maps x of shape (..., D) to (..., D).
func (m *GatedMLP) Forward(e Exec, x V) V {
	return m.Down.Forward(e, e.Mul(SiLU(e, m.Gate.Forward(e, x)), m.Up.Forward(e, x)))
}
