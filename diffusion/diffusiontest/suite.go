package diffusiontest

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/segment"
)

// Clip returns t frames of h x w (values in [0, 1) drawn from seed) and
// union masks holding a box that moves one pixel right per frame: a small
// input for tests.
func Clip(seed uint64, t, h, w int) (*tensor.Dense, []segment.Mask) {
	rng := rand.New(rand.NewPCG(seed, 3))
	data := make([]float32, t*h*w*3)
	for i := range data {
		data[i] = float32(rng.Float64())
	}
	masks := make([]segment.Mask, t)
	for i := range masks {
		x := i % max(w/2, 1)
		masks[i] = segment.MaskFromBox(w, h, segment.Box{X0: x, Y0: h / 4, X1: x + w/2, Y1: h / 2})
	}
	return tensor.New(tensor.WithShape(t, h, w, 3), tensor.WithBacking(data)), masks
}

// Test runs the conformance suite of diffusion.DiffusionEncoder against
// encoders made by newEncoder (called several times; every call must return
// an equivalent encoder, for example one built from the same seed). It
// checks: the output shape (T, FeatureDim()) for several T, odd ones
// included, and frame sizes; finite values; the same features for the same
// input, from the same and from a new encoder; nil masks accepted; the
// input left unchanged; and errors, without panics, for NaN frames, masks
// of another size or count, a wrong rank and a cancelled context.
func Test(t *testing.T, newEncoder func() diffusion.DiffusionEncoder) {
	ctx := context.Background()
	t.Run("shape", func(t *testing.T) {
		enc := newEncoder()
		for _, s := range [][3]int{{1, 16, 16}, {5, 16, 16}, {8, 24, 20}} {
			frames, masks := Clip(1, s[0], s[1], s[2])
			z, err := enc.Encode(ctx, frames, masks, "highlight the red circle")
			if err != nil {
				t.Fatalf("T=%d %dx%d: %v", s[0], s[2], s[1], err)
			}
			if diff := cmp.Diff([]int{s[0], enc.FeatureDim()}, []int(z.Shape())); diff != "" {
				t.Errorf("T=%d: shape (-want +got):\n%s", s[0], diff)
			}
			for i, v := range z.Float32s() {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("T=%d: feature %d is %v", s[0], i, v)
				}
			}
		}
	})
	t.Run("deterministic", func(t *testing.T) {
		frames, masks := Clip(2, 6, 16, 16)
		before := append([]float32(nil), frames.Float32s()...)
		enc := newEncoder()
		a, err := enc.Encode(ctx, frames, masks, "track the blue square")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, frames.Float32s()); diff != "" {
			t.Errorf("Encode changed its input (-before +after):\n%s", diff)
		}
		b, err := enc.Encode(ctx, frames, masks, "track the blue square")
		if err != nil {
			t.Fatal(err)
		}
		c, err := newEncoder().Encode(ctx, frames, masks, "track the blue square")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a.Float32s(), b.Float32s()); diff != "" {
			t.Errorf("same encoder, same input (-first +second):\n%s", diff)
		}
		if diff := cmp.Diff(a.Float32s(), c.Float32s()); diff != "" {
			t.Errorf("new encoder, same input (-first +new):\n%s", diff)
		}
	})
	t.Run("no masks", func(t *testing.T) {
		frames, _ := Clip(3, 4, 16, 16)
		if _, err := newEncoder().Encode(ctx, frames, nil, ""); err != nil {
			t.Errorf("nil masks, empty instruction: %v", err)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		frames, masks := Clip(4, 4, 16, 16)
		nan := frames.Clone().(*tensor.Dense)
		nan.Float32s()[5] = float32(math.NaN())
		wrong := make([]segment.Mask, 4)
		for i := range wrong {
			wrong[i] = segment.NewMask(8, 16)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		for _, tc := range []struct {
			name   string
			ctx    context.Context
			frames *tensor.Dense
			masks  []segment.Mask
		}{
			{"NaN frame", ctx, nan, masks},
			{"mask size", ctx, frames, wrong},
			{"mask count", ctx, frames, masks[:2]},
			{"rank", ctx, tensor.New(tensor.WithShape(4, 16, 16), tensor.Of(tensor.Float32)), nil},
			{"nil frames", ctx, nil, nil},
			{"cancelled", cancelled, frames, masks},
		} {
			if _, err := newEncoder().Encode(tc.ctx, tc.frames, tc.masks, "red"); err == nil {
				t.Errorf("%s: no error", tc.name)
			}
		}
	})
}
