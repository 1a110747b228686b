package defaultdenoiser_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/defaultdenoiser"
	"github.com/videodit/videodit/diffusion/diffusiontest"
)

func TestConformance(t *testing.T) {
	diffusiontest.Test(t, func() diffusion.DiffusionEncoder {
		o := diffusion.DefaultOptions()
		o.Steps, o.Segments = 2, 2
		enc, err := defaultdenoiser.Encoder(o, 16, 1)
		if err != nil {
			t.Fatal(err)
		}
		return enc
	})
}

func TestAux(t *testing.T) {
	f, classes, err := defaultdenoiser.Aux()
	if err != nil {
		t.Fatal(err)
	}
	if len(classes) != 18 || f.AuxDim() != 18 {
		t.Fatalf("%d classes, AuxDim %d: want 18", len(classes), f.AuxDim())
	}
	frames, _ := diffusiontest.Clip(1, 3, 32, 32)
	z, err := f.AuxFeatures(context.Background(), frames)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(z.Shape()); got != "(3, 18)" {
		t.Errorf("shape %s, want (3, 18)", got)
	}
}

// Example encodes a 12-frame clip with the pretrained denoiser (S = 2,
// cosine, tau_0 = 0.1) into per-frame features of width 32 (g_phi is
// untrained here).
func Example() {
	opts := diffusion.DefaultOptions()
	opts.Steps, opts.Segments = 2, 3 // S = 2 here for speed; 4 frames per noise segment
	enc, err := defaultdenoiser.Encoder(opts, 32, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	frames, masks := diffusiontest.Clip(1, 12, 64, 64)
	z, err := enc.Encode(context.Background(), frames, masks, "highlight the red circle")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(z.Shape())
	// Output: (12, 32)
}
