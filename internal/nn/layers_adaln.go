package nn

import "math/rand/v2"

// AdaLN is adaptive layer-norm modulation (DiT's adaLN): a conditioning
// vector c is mapped to N modulation vectors of width D by
// Linear(SiLU(c)), split in order along the last axis. A DiT block uses
// N = 6 (shift, scale, gate for attention, then for the MLP); Modulate and
// Gate apply them.
type AdaLN struct {
	// Linear maps Dc to N*D.
	Linear Linear `st:"linear"`
	// N is the number of modulation vectors.
	N int
}

// NewAdaLN returns an AdaLN from dc conditioning features to n vectors of
// width d. Its Linear starts at zero (DiT's adaLN-Zero), so a modulated block
// starts as the identity.
func NewAdaLN(dc, d, n int) *AdaLN {
	return &AdaLN{Linear: Linear{W: filledDense(0, n*d, dc), B: filledDense(0, n*d)}, N: n}
}

// NewAdaLNRandom is NewAdaLN with PyTorch's default Linear initialisation
// drawn from rng instead of zeros (for tests and ablations).
func NewAdaLNRandom(rng *rand.Rand, dc, d, n int) *AdaLN {
	return &AdaLN{Linear: *NewLinear(rng, dc, n*d, true), N: n}
}

// Forward maps c of shape (Dc) or (B, Dc) to N values of shape (D) or
// (B, 1, D): the batched form carries a length-1 token axis so that it
// broadcasts against tokens (B, L, D).
func (a *AdaLN) Forward(e Exec, c V) []V {
	m := a.Linear.Forward(e, SiLU(e, c))
	parts := Chunk(e, m, lastAxis(m), a.N)
	if s := m.Shape(); len(s) == 2 {
		for i, p := range parts {
			parts[i] = e.Reshape(p, s[0], 1, lastDim(p))
		}
	}
	return parts
}

// Modulate returns x*(1+scale)+shift for tokens x of shape (L, D) or
// (B, L, D) and shift, scale of shape (D), (1, D) or (B, 1, D).
func Modulate(e Exec, x, shift, scale V) V {
	return e.Add(e.Mul(x, e.AddScalar(scale, 1)), shift)
}

// Gate returns gate*y for y of shape (L, D) or (B, L, D) and gate of shape
// (D), (1, D) or (B, 1, D) (the gated residual branch of DiT: x + Gate(y)).
func Gate(e Exec, y, gate V) V {
	return e.Mul(y, gate)
}
