package diffusion

import (
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/segment"
)

// tinyConfig is a denoiser small enough for tests under -race.
func tinyConfig() Config {
	return Config{Height: 16, Width: 16, Patch: 8, Tubelet: 2, Dim: 16, Heads: 2, Hidden: 24,
		Blocks: 2, Window: 1, TimeDim: 8, TextDim: 4, Vocab: []string{"red", "circle", "highlight"}}
}

func tinyDenoiser(t testing.TB, seed uint64) *Denoiser {
	t.Helper()
	m, err := NewDenoiser(rand.New(rand.NewPCG(seed, 0)), tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testFrames returns n frames of h x w with values from rng in [0, 1), and
// masks holding a box in the top-left quarter.
func testFrames(seed uint64, n, h, w int) (*tensor.Dense, []segment.Mask) {
	rng := rand.New(rand.NewPCG(seed, 9))
	data := make([]float32, n*h*w*3)
	for i := range data {
		data[i] = float32(rng.Float64())
	}
	masks := make([]segment.Mask, n)
	for i := range masks {
		masks[i] = segment.MaskFromBox(w, h, segment.Box{X0: 0, Y0: 0, X1: w / 2, Y1: h / 2})
	}
	return dense(data, n, h, w, 3), masks
}
