package diffusion_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/diffusiontest"
)

// Example encodes a 10-frame clip with its union masks into per-frame
// features z_t, using a small randomly initialised denoiser (package
// defaultdenoiser has the pretrained one).
func Example() {
	cfg := diffusion.Config{Height: 32, Width: 32, Patch: 8, Tubelet: 2, Dim: 32, Heads: 2, Hidden: 64,
		Blocks: 2, Window: 1, TimeDim: 16, TextDim: 8, Vocab: []string{"highlight", "red", "circle"}}
	den, err := diffusion.NewDenoiser(rand.New(rand.NewPCG(1, 1)), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := diffusion.DefaultOptions() // S = 4, cosine, tau_0 = 0.1, GS = 1
	opts.Segments = 5                  // 2 frames per noise segment
	enc, err := diffusion.NewEncoder(rand.New(rand.NewPCG(2, 2)), den, 16, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	frames, masks := diffusiontest.Clip(1, 10, 48, 64) // (10, 48, 64, 3)
	z, err := enc.Encode(context.Background(), frames, masks, "highlight the red circle")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("z:", z.Shape())

	_, err = enc.Encode(context.Background(), frames, masks[:3], "highlight the red circle")
	fmt.Println(err)
	// Output:
	// z: (10, 16)
	// diffusion: 3 masks for 10 frames
}
