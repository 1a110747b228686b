//go:build videodit_cudaemu

package cuda

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/diffusiontest"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// TestEmulatedDiffusionFeatures runs a whole stage on the executor with
// the emulated kernels: the diffusion features z = g_phi(Pool(h_tau0)) of
// a 2-frame clip (one denoising step) at the default denoiser size,
// against the eager executor.
func TestEmulatedDiffusionFeatures(t *testing.T) {
	m, err := diffusion.NewDenoiser(rand.New(rand.NewPCG(1, 1)), diffusion.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	o := diffusion.DefaultOptions()
	o.Segments, o.Steps = 1, 1
	enc, err := diffusion.NewEncoder(rand.New(rand.NewPCG(2, 2)), m, 64, o)
	if err != nil {
		t.Fatal(err)
	}
	frames, masks := diffusiontest.Clip(1, 2, 64, 64)
	clip, err := m.Config.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	const instr = "highlight the red circle"
	eager := nn.NewEager()
	wantV, err := enc.Features(context.Background(), eager, clip, instr)
	if err != nil {
		t.Fatal(err)
	}
	want := eager.Dense(wantV).Float32s()
	e := newExec(newEmuDevice())
	gotV, err := enc.Features(context.Background(), e, clip, instr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Read(gotV)
	if err != nil {
		t.Fatal(err)
	}
	want64 := make([]float64, len(want))
	for i, x := range want {
		want64[i] = float64(x)
	}
	if re := nntest.RelErr(got, want64, 1e-30); !(re <= 1e-4) {
		t.Errorf("features (%v) differ from the eager executor's: relative error %.3g > 1e-4", gotV.Shape(), re)
	}
}
