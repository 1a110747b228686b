package diffusion

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// TestPoolByHand checks per-frame pooling on hidden states whose values
// are known: 3 frames (padded to 4, two tubelets), 4 patches, width 1.
func TestPoolByHand(t *testing.T) {
	c := tinyConfig() // 16x16 frames, 8x8 patches: P = 4
	frames, _ := testFrames(1, 3, 16, 16)
	masks := make([]segment.Mask, 3)
	// Frame 0: patch 0 fully inside. Frame 1: half of patch 1 (x 8..15,
	// y 0..3) inside. Frame 2: empty mask.
	masks[0] = segment.MaskFromBox(16, 16, segment.Box{X0: 0, Y0: 0, X1: 8, Y1: 8})
	masks[1] = segment.MaskFromBox(16, 16, segment.Box{X0: 8, Y0: 0, X1: 16, Y1: 4})
	masks[2] = segment.NewMask(16, 16)
	clip, err := c.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{1, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, clip.Inside.Float32s()); diff != "" {
		t.Errorf("inside fractions (-want +got):\n%s", diff)
	}
	// Tubelet 0 holds patches 1, 2, 3, 4; tubelet 1 holds 10, 20, 30, 40.
	h := dense([]float32{1, 2, 3, 4, 10, 20, 30, 40}, 2, 4, 1)
	e := nn.NewEager()
	got := e.Dense(c.Pool(e, []nn.V{e.Const(h)}, clip))
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	want := []float32{
		2.5, 1, // frame 0: mean of 1..4; inside: patch 0 only
		2.5, 2, // frame 1: tubelet 0; inside: patch 1 (weight 0.5) only
		25, 0, // frame 2: tubelet 1; empty mask pools to 0
	}
	if diff := cmp.Diff([]int{3, 2}, []int(got.Shape())); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got.Float32s(), cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("pooled (-want +got):\n%s", diff)
	}
}

func tinyEncoder(t testing.TB, o Options) *Encoder {
	t.Helper()
	enc, err := NewEncoder(rand.New(rand.NewPCG(8, 8)), tinyDenoiser(t, 1), 5, o)
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func tinyOptions() Options {
	o := DefaultOptions()
	o.Segments = 2
	return o
}

func TestEncoderDeterministic(t *testing.T) {
	frames, masks := testFrames(3, 5, 20, 24) // resized to 16x16, padded to 6 frames
	ctx := context.Background()
	enc := tinyEncoder(t, tinyOptions())
	a, err := enc.Encode(ctx, frames, masks, "highlight the red circle")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{5, 5}, []int(a.Shape())); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
	b, err := tinyEncoder(t, tinyOptions()).Encode(ctx, frames, masks, "highlight the red circle")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.Float32s(), b.Float32s()); diff != "" {
		t.Errorf("same seed, different features (-first +second):\n%s", diff)
	}
	o := tinyOptions()
	o.Seed = 2
	c, err := tinyEncoder(t, o).Encode(ctx, frames, masks, "highlight the red circle")
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(a.Float32s(), c.Float32s()) {
		t.Errorf("seeds 1 and 2 gave the same features")
	}
}

// TestEncoderKnobs runs every Table VI setting and checks the progress
// callback counts the passes (2 per step when GS != 1).
func TestEncoderKnobs(t *testing.T) {
	frames, masks := testFrames(3, 4, 16, 16)
	for _, s := range []int{2, 4, 6} {
		for _, sched := range []Schedule{Linear, Cosine} {
			for _, gs := range []float64{1, 1.5} {
				o := tinyOptions()
				o.Steps, o.Schedule, o.Guidance, o.Jitter = s, sched, gs, 0.05
				var calls, total int
				o.Progress = func(done, tot int) { calls, total = done, tot }
				z, err := tinyEncoder(t, o).Encode(context.Background(), frames, masks, "red")
				if err != nil {
					t.Fatalf("S=%d %s GS=%v: %v", s, sched, gs, err)
				}
				want := s
				if gs != 1 {
					want *= 2
				}
				if calls != want || total != want {
					t.Errorf("S=%d %s GS=%v: progress %d/%d, want %d/%d", s, sched, gs, calls, total, want, want)
				}
				if err := checkFinite("z", z.Float32s()); err != nil {
					t.Errorf("S=%d %s GS=%v: %v", s, sched, gs, err)
				}
			}
		}
	}
}

func TestEncoderBadInput(t *testing.T) {
	frames, masks := testFrames(3, 4, 16, 16)
	nan := frames.Clone().(*tensor.Dense)
	nan.Float32s()[7] = float32(math.NaN())
	small := []segment.Mask{segment.NewMask(8, 8), segment.NewMask(8, 8), segment.NewMask(8, 8), segment.NewMask(8, 8)}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	tests := []struct {
		name   string
		ctx    context.Context
		frames *tensor.Dense
		masks  []segment.Mask
		opt    func(*Options)
	}{
		{"nan frame", bg, nan, masks, nil},
		{"mask size", bg, frames, small, nil},
		{"mask count", bg, frames, masks[:3], nil},
		{"rank", bg, dense(make([]float32, 12), 4, 3), nil, nil},
		{"nil frames", bg, nil, nil, nil},
		{"tau0 zero", bg, frames, masks, func(o *Options) { o.Tau0 = 0 }},
		{"start one", bg, frames, masks, func(o *Options) { o.Start = 1 }},
		{"segments zero", bg, frames, masks, func(o *Options) { o.Segments = 0 }},
		{"schedule", bg, frames, masks, func(o *Options) { o.Schedule = "sqrt" }},
		{"tap", bg, frames, masks, func(o *Options) { o.Taps = []int{7} }},
		{"cancelled", cancelled, frames, masks, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := tinyEncoder(t, tinyOptions())
			if tc.opt != nil {
				tc.opt(&enc.Options)
			}
			if _, err := enc.Encode(tc.ctx, tc.frames, tc.masks, "red"); err == nil {
				t.Errorf("no error")
			}
		})
	}
}

// TestGradientOnlyToProjection builds the whole encoder on the graph
// executor with the denoiser frozen: g_phi is the only trainable tensor and
// its gradient is not zero.
func TestGradientOnlyToProjection(t *testing.T) {
	enc := tinyEncoder(t, tinyOptions())
	enc.Options.Steps = 2
	frames, masks := testFrames(4, 4, 16, 16)
	clip, err := enc.Denoiser.Config.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	g := nn.NewGraph()
	if err := checkpoint.Walk(enc.Denoiser, func(_ string, p **tensor.Dense) error { g.Freeze(*p); return nil }); err != nil {
		t.Fatal(err)
	}
	z, err := enc.Features(context.Background(), g, clip, "red")
	if err != nil {
		t.Fatal(err)
	}
	loss := g.Mean(g.Reshape(g.Square(z), z.Shape().TotalSize()), 0)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []*tensor.Dense{enc.Proj.W, enc.Proj.B}
	if diff := cmp.Diff(want, g.Params(), cmp.Comparer(func(a, b *tensor.Dense) bool { return a == b })); diff != "" {
		t.Errorf("trainable tensors (-g_phi +got):\n%s", diff)
	}
	grad, err := g.Grad(enc.Proj.W)
	if err != nil {
		t.Fatal(err)
	}
	var norm float64
	for _, v := range grad.Float32s() {
		norm += float64(v) * float64(v)
	}
	if norm == 0 {
		t.Errorf("g_phi gradient is zero")
	}
	if _, err := g.Grad(enc.Denoiser.Head.W); err == nil {
		t.Errorf("frozen denoiser tensor has a gradient")
	}
}

// TestFeaturesLocalInTime checks the long-video property of temporal noise
// injection and block-local temporal attention: with segments of 2 frames,
// the features of the first segment depend only on segments within
// S * (temporal blocks) * Window of it, so appending frames far away
// leaves them unchanged (up to float32 rounding of different matrix
// sizes), while a change inside the window moves them.
func TestFeaturesLocalInTime(t *testing.T) {
	frames, masks := testFrames(5, 32, 16, 16)
	enc := tinyEncoder(t, tinyOptions())
	rng := rand.New(rand.NewPCG(6, 6))
	for i := range enc.Denoiser.Blocks {
		enc.Denoiser.Blocks[i].Mod = *nn.NewAdaLNRandom(rng, 16, 16, 6)
	}
	encode := func(n int, frames *tensor.Dense) []float32 {
		enc.Options.Segments = n / 2
		sub := dense(append([]float32(nil), frames.Float32s()[:n*16*16*3]...), n, 16, 16, 3)
		z, err := enc.Encode(context.Background(), sub, masks[:n], "red")
		if err != nil {
			t.Fatal(err)
		}
		return z.Float32s()[:2*5] // frames 0 and 1
	}
	short, long := encode(16, frames), encode(32, frames)
	if diff := cmp.Diff(short, long, cmpopts.EquateApprox(0, 1e-4)); diff != "" {
		t.Errorf("first segment moved when frames 16..31 were appended (-16 frames +32 frames):\n%s", diff)
	}
	near := frames.Clone().(*tensor.Dense)
	for i := 2 * 16 * 16 * 3; i < 4*16*16*3; i++ { // frames 2 and 3: the next segment
		near.Float32s()[i] = 1 - near.Float32s()[i]
	}
	if cmp.Equal(short, encode(16, near), cmpopts.EquateApprox(0, 1e-4)) {
		t.Errorf("changing the neighbouring segment did not move the first segment's features")
	}
}
