package diffusion_test

import (
	"math/rand/v2"
	"testing"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/diffusiontest"
)

// tiny returns a small random encoder, the same for every call.
func tiny(t testing.TB) diffusion.DiffusionEncoder {
	c := diffusion.Config{Height: 16, Width: 16, Patch: 8, Tubelet: 2, Dim: 16, Heads: 2, Hidden: 24,
		Blocks: 2, Window: 1, TimeDim: 8, TextDim: 4, Vocab: []string{"red", "circle"}}
	m, err := diffusion.NewDenoiser(rand.New(rand.NewPCG(1, 1)), c)
	if err != nil {
		t.Fatal(err)
	}
	o := diffusion.DefaultOptions()
	o.Segments = 2
	enc, err := diffusion.NewEncoder(rand.New(rand.NewPCG(2, 2)), m, 8, o)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func TestConformance(t *testing.T) {
	diffusiontest.Test(t, func() diffusion.DiffusionEncoder { return tiny(t) })
}
