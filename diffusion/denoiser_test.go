package diffusion

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"gorgonia.org/tensor"
)

func TestDenoiserShapesAndDeterminism(t *testing.T) {
	m := tinyDenoiser(t, 1)
	frames, masks := testFrames(2, 6, 16, 16)
	clip, err := m.Config.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	run := func() ([]int, [][]int, []float32) {
		e := nn.NewEager()
		eps, hidden := m.Forward(e, Pass{
			Noisy:     m.Config.patchify(e, e.Const(clip.Frames)),
			Cond:      m.Config.condition(e, clip),
			Levels:    []Level{{0.9, 0.1}, {0.8, 0.2}, {0.5, 0.5}},
			Text:      m.Text.EmbedInstruction(e, "highlight the red circle"),
			SegTokens: 1,
		})
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		var hs [][]int
		for _, h := range hidden {
			hs = append(hs, []int(h.Shape()))
		}
		return []int(eps.Shape()), hs, append([]float32(nil), e.Dense(eps).Float32s()...)
	}
	shape, hs, first := run()
	if diff := cmp.Diff([]int{3, 4, 2 * 8 * 8 * 3}, shape); diff != "" {
		t.Errorf("eps shape (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]int{{3, 4, 16}, {3, 4, 16}}, hs); diff != "" {
		t.Errorf("hidden shapes (-want +got):\n%s", diff)
	}
	_, _, second := run()
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
}

// TestTrainingStepLowersLoss takes AdamW steps through the graph executor
// on one fixed example and requires the loss to fall by a quarter.
func TestTrainingStepLowersLoss(t *testing.T) {
	m := tinyDenoiser(t, 3)
	frames, masks := testFrames(4, 4, 16, 16)
	clip, err := m.Config.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	names := map[*tensor.Dense]string{}
	if err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error { names[*p] = name; return nil }); err != nil {
		t.Fatal(err)
	}
	ex := TrainingExample{Clip: clip, Instruction: "highlight red", Schedule: Cosine, Tau: 0.5, Segments: 2, Seed: 5}
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8})
	var losses []float32
	for step := range 15 {
		g := nn.NewGraph()
		loss, err := m.TrainingLoss(g, ex)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		losses = append(losses, g.Value(loss).Float32s()[0])
		var ps []optim.Param
		for _, p := range g.Params() {
			grad, err := g.Grad(p)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, optim.Param{Name: names[p], Value: p.Float32s(), Grad: grad.Float32s()})
		}
		if err := opt.Step(1e-2, ps); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	first, last := losses[0], losses[len(losses)-1]
	t.Logf("loss %.4f -> %.4f", first, last)
	if !(last < 0.75*first) {
		t.Errorf("loss fell from %.4f to %.4f, less than a quarter: %v", first, last, losses)
	}
}

// counter is an eager executor that counts the multiply-adds of matrix
// products and attention.
type counter struct {
	*nn.Eager
	macs int
}

func (c *counter) MatMul(a, b nn.V, ta, tb bool) nn.V {
	as, bs := a.Shape(), b.Shape()
	batch := 1
	for _, d := range as[:len(as)-2] {
		batch *= d
	}
	m, k := as[len(as)-2], as[len(as)-1]
	if ta {
		m, k = k, m
	}
	n := bs[len(bs)-1]
	if tb {
		n = bs[len(bs)-2]
	}
	c.macs += batch * m * k * n
	return c.Eager.MatMul(a, b, ta, tb)
}

func (c *counter) Attention(q, k, v, bias nn.V, scale float32) nn.V {
	qs, ks := q.Shape(), k.Shape()
	c.macs += 2 * qs[0] * qs[1] * ks[1] * qs[2]
	return c.Eager.Attention(q, k, v, bias, scale)
}

// TestCostLinearInT counts the multiply-adds of one denoiser pass at T, 2T
// and 4T frames with a fixed segment length: they grow exactly linearly
// (temporal attention is block-local).
func TestCostLinearInT(t *testing.T) {
	m := tinyDenoiser(t, 1)
	cost := func(frames int) int {
		f, masks := testFrames(1, frames, 16, 16)
		clip, err := m.Config.Prepare(f, masks)
		if err != nil {
			t.Fatal(err)
		}
		c := &counter{Eager: nn.NewEager()}
		levels := make([]Level, frames/2)
		for i := range levels {
			levels[i] = Level{0.9, 0.1}
		}
		m.Forward(c, Pass{Noisy: m.Config.patchify(c, c.Const(clip.Frames)), Cond: m.Config.condition(c, clip),
			Levels: levels, Text: m.Text.EmbedInstruction(c, "red"), SegTokens: 2})
		if err := c.Err(); err != nil {
			t.Fatal(err)
		}
		return c.macs
	}
	base, double, quad := cost(24), cost(48), cost(96)
	// Boundary segments see one neighbour instead of two; the difference
	// is the same at every length, so the increments are equal.
	if double-base != (quad-double)/2 {
		t.Errorf("multiply-adds %d, %d, %d at T = 24, 48, 96: increments %d and %d are not linear", base, double, quad, double-base, quad-double)
	}
	t.Logf("multiply-adds per pass: T=24 %d, T=48 %d, T=96 %d", base, double, quad)
}
