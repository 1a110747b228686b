package nn

import (
	"math"

	"gorgonia.org/tensor"
)

// RotaryTables returns the cosine and sine tables of rotary position
// embeddings in the rotate-half form of Llama / Hugging Face, each of shape
// (len(positions), headDim): for position p (row) and column j,
// angle = p * base^(-2(j mod headDim/2)/headDim), so the two halves of a row
// repeat the same headDim/2 frequencies. The angles are computed in float64
// and rounded once to float32. headDim must be even.
func RotaryTables(positions []int, headDim int, base float64) (cos, sin *tensor.Dense) {
	half := headDim / 2
	c := make([]float32, len(positions)*headDim)
	s := make([]float32, len(positions)*headDim)
	invFreq := make([]float64, half)
	for j := range invFreq {
		invFreq[j] = math.Pow(base, -float64(2*j)/float64(headDim))
	}
	for i, p := range positions {
		for j, f := range invFreq {
			a := float64(p) * f
			sa, ca := math.Sincos(a)
			c[i*headDim+j], c[i*headDim+half+j] = float32(ca), float32(ca)
			s[i*headDim+j], s[i*headDim+half+j] = float32(sa), float32(sa)
		}
	}
	return newDense(c, len(positions), headDim), newDense(s, len(positions), headDim)
}

// ApplyRotary rotates x of shape (..., L, headDim) by the tables cos and sin
// of shape (L, headDim) (from RotaryTables):
// x*cos + rotateHalf(x)*sin, where rotateHalf(x) = [-x2, x1] for the halves
// x1 = x[..., :headDim/2] and x2 = x[..., headDim/2:] (Hugging Face's
// apply_rotary_pos_emb).
func ApplyRotary(e Exec, x, cos, sin V) V {
	ax := lastAxis(x)
	d := lastDim(x)
	x1 := e.Slice(x, ax, 0, d/2)
	x2 := e.Slice(x, ax, d/2, d)
	rot := e.Concat(ax, e.Scale(x2, -1), x1)
	return e.Add(e.Mul(x, cos), e.Mul(rot, sin))
}
