package heads

import (
	"errors"
	"fmt"
	"math"
)

// Softmax turns frame logits, shape (T), axis = frame, into a distribution
// over frames: p_t = exp(l_t) / sum_u exp(l_u) (paper Eq. 15, with
// l_t = w . h_t). It subtracts the maximum first, so large logits do not
// overflow. It fails on T = 0 and on a NaN or infinite logit, naming it.
func Softmax(logits []float64) ([]float64, error) {
	if len(logits) == 0 {
		return nil, errors.New("heads: softmax of no logits (T = 0)")
	}
	m := math.Inf(-1)
	for i, l := range logits {
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("heads: logit %d is %g", i, l)
		}
		m = math.Max(m, l)
	}
	p := make([]float64, len(logits))
	var z float64
	for i, l := range logits {
		p[i] = math.Exp(l - m)
		z += p[i]
	}
	for i := range p {
		p[i] /= z
	}
	return p, nil
}
