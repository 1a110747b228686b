package diffusiontest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/diffusiontest"
)

func TestFake(t *testing.T) {
	diffusiontest.Test(t, func() diffusion.DiffusionEncoder { return &diffusiontest.Fake{Dim: 6, Seed: 1} })
}

// TestFakeUsesMask checks that the fake's features depend on the masks.
func TestFakeUsesMask(t *testing.T) {
	frames, masks := diffusiontest.Clip(1, 3, 8, 8)
	f := &diffusiontest.Fake{Dim: 4, Seed: 2}
	a, err := f.Encode(context.Background(), frames, masks, "x")
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Encode(context.Background(), frames, nil, "x")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Float32s()) == fmt.Sprint(b.Float32s()) {
		t.Errorf("features ignore the masks")
	}
}

func ExampleFake() {
	frames, masks := diffusiontest.Clip(1, 5, 16, 16)
	var enc diffusion.DiffusionEncoder = &diffusiontest.Fake{Dim: 8, Seed: 1}
	z, err := enc.Encode(context.Background(), frames, masks, "highlight the red circle")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(z.Shape())
	// Output: (5, 8)
}
