package optim

import "math"

// ClipGlobalNorm scales every gradient in params by the same factor so that
// their joint Euclidean norm is at most maxNorm, as
// torch.nn.utils.clip_grad_norm_(params, maxNorm) does for float32
// gradients: the norm of each parameter's gradient is rounded to float32,
// norm = sqrt(sum of their squares) is rounded to float32 too, and when
// maxNorm / (norm + 1e-6) (in float32) is below 1 every gradient is
// multiplied by it; otherwise the gradients are left alone. It returns norm,
// the norm before clipping. A maxNorm that is not positive only measures the
// norm, and a NaN or infinite norm leaves the gradients untouched for
// AdamW.Step to reject.
func ClipGlobalNorm(params []Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		var s float64
		for _, g := range p.Grad {
			s += float64(g) * float64(g)
		}
		n := float64(float32(math.Sqrt(s)))
		sum += n * n
	}
	norm := float32(math.Sqrt(sum))
	if !(maxNorm > 0) || math.IsNaN(float64(norm)) || math.IsInf(float64(norm), 0) {
		return float64(norm)
	}
	c := float32(maxNorm) / (norm + 1e-6)
	if c >= 1 {
		return float64(norm)
	}
	for _, p := range params {
		for i := range p.Grad {
			p.Grad[i] *= c
		}
	}
	return float64(norm)
}
