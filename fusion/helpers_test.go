package fusion_test

import (
	"math/rand/v2"
	"slices"
	"unicode"

	"gorgonia.org/tensor"
)

func slicesEqual(a, b []string) bool { return slices.Equal(a, b) }

func isSpaceOrControl(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// randDense returns a float32 tensor with N(0,1) elements drawn from rng.
func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}
