package nn

import (
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// newDense returns a float32 tensor of the given shape backed by data.
func newDense(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// uniformDense returns a tensor of the given shape with elements drawn from
// U(-bound, bound) by rng (PyTorch's default Linear initialisation uses
// bound = 1/sqrt(fan_in)).
func uniformDense(rng *rand.Rand, bound float64, shape ...int) *tensor.Dense {
	data := make([]float32, prod(shape))
	for i := range data {
		data[i] = float32((2*rng.Float64() - 1) * bound)
	}
	return newDense(data, shape...)
}

// normalDense returns a tensor of the given shape with elements drawn from
// N(0, std^2) by rng.
func normalDense(rng *rand.Rand, std float64, shape ...int) *tensor.Dense {
	data := make([]float32, prod(shape))
	for i := range data {
		data[i] = float32(rng.NormFloat64() * std)
	}
	return newDense(data, shape...)
}

// filledDense returns a tensor of the given shape with every element v.
func filledDense(v float32, shape ...int) *tensor.Dense {
	data := make([]float32, prod(shape))
	for i := range data {
		data[i] = v
	}
	return newDense(data, shape...)
}

func prod(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func invSqrt(n int) float64 { return 1 / math.Sqrt(float64(n)) }
