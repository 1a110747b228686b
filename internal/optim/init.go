package optim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// The initialisers below fill a float32, contiguous *tensor.Dense in place
// from rng, element by element in row-major order, so that the same seed
// always gives the same values. They fail on a nil, non-float32 or
// non-contiguous tensor.

// data returns the writable row-major elements of t.
func data(t *tensor.Dense) ([]float32, error) {
	if t == nil {
		return nil, fmt.Errorf("optim: init: nil tensor")
	}
	if t.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("optim: init: tensor of shape %v has dtype %v, want float32", t.Shape(), t.Dtype())
	}
	d := t.Float32s()
	n := t.Shape().TotalSize()
	if len(d) != n || n > 0 && t.RequiresIterator() {
		return nil, fmt.Errorf("optim: init: tensor of shape %v is not contiguous", t.Shape())
	}
	return d, nil
}

// Zeros sets every element of t to 0.
func Zeros(t *tensor.Dense) error {
	d, err := data(t)
	if err != nil {
		return err
	}
	clear(d)
	return nil
}

// Normal fills t with draws from N(mean, std^2) (rng.NormFloat64).
func Normal(t *tensor.Dense, rng *rand.Rand, mean, std float64) error {
	d, err := data(t)
	if err != nil {
		return err
	}
	for i := range d {
		d[i] = float32(mean + std*rng.NormFloat64())
	}
	return nil
}

// Uniform fills t with draws from U(lo, hi) (lo + (hi-lo)*rng.Float64()).
func Uniform(t *tensor.Dense, rng *rand.Rand, lo, hi float64) error {
	d, err := data(t)
	if err != nil {
		return err
	}
	for i := range d {
		d[i] = float32(lo + (hi-lo)*rng.Float64())
	}
	return nil
}

// Fans returns the fan-in and fan-out of a weight of the given shape as
// PyTorch computes them: for shape (out, in, k1, k2, ...),
// fanIn = in*k1*k2*... and fanOut = out*k1*k2*.... It needs at least 2
// dimensions.
func Fans(shape []int) (fanIn, fanOut int, err error) {
	if len(shape) < 2 {
		return 0, 0, fmt.Errorf("optim: init: fans of shape %v need at least 2 dimensions", shape)
	}
	receptive := 1
	for _, d := range shape[2:] {
		receptive *= d
	}
	return shape[1] * receptive, shape[0] * receptive, nil
}

// XavierUniform fills a weight of shape (out, in, ...) with draws from
// U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)), as
// torch.nn.init.xavier_uniform_.
func XavierUniform(t *tensor.Dense, rng *rand.Rand, gain float64) error {
	if _, err := data(t); err != nil {
		return err
	}
	in, out, err := Fans(t.Shape())
	if err != nil {
		return err
	}
	if in+out == 0 {
		return nil // no elements
	}
	a := gain * math.Sqrt(6/float64(in+out))
	return Uniform(t, rng, -a, a)
}

// KaimingUniform fills a weight of shape (out, in, ...) with draws from
// U(-b, b), b = sqrt(2 / (1 + a^2)) * sqrt(3 / fanIn), as
// torch.nn.init.kaiming_uniform_(t, a, mode="fan_in",
// nonlinearity="leaky_relu").
func KaimingUniform(t *tensor.Dense, rng *rand.Rand, a float64) error {
	if _, err := data(t); err != nil {
		return err
	}
	in, _, err := Fans(t.Shape())
	if err != nil || in == 0 { // no elements when in == 0
		return err
	}
	b := math.Sqrt(2/(1+a*a)) * math.Sqrt(3/float64(in))
	return Uniform(t, rng, -b, b)
}

// Linear initialises a linear layer as torch.nn.Linear does: the weight w,
// shape (out, in), by KaimingUniform with a = sqrt(5), which is
// U(-1/sqrt(in), 1/sqrt(in)); then the bias b, shape (out), if not nil,
// from the same U(-1/sqrt(in), 1/sqrt(in)).
func Linear(w, b *tensor.Dense, rng *rand.Rand) error {
	if err := KaimingUniform(w, rng, math.Sqrt(5)); err != nil {
		return err
	}
	if b == nil {
		return nil
	}
	if b.Shape().TotalSize() != w.Shape()[0] {
		return fmt.Errorf("optim: init: bias of shape %v for a weight of shape %v", b.Shape(), w.Shape())
	}
	bound := 0.0 // as PyTorch, for a weight with no inputs
	if in := w.Shape()[1]; in > 0 {
		bound = 1 / math.Sqrt(float64(in))
	}
	return Uniform(b, rng, -bound, bound)
}
