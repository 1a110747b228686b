package defaultdenoiser_test

import (
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/defaultdenoiser"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
)

// heldOut returns the first 8 frames of a benchmark video of a split the
// pretraining never saw, with entity 0's masks and instruction.
func heldOut(t *testing.T, cfg diffusion.Config, index int) (*diffusion.Clip, string) {
	t.Helper()
	v, err := synth.Generate(synth.Config{Split: "evidence", MinDuration: 2, MaxDuration: 3}, 777, index)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Meta
	n := 8
	frames := make([]float32, n*m.Width*m.Height*3)
	rgb := make([]byte, m.Width*m.Height*3)
	masks := make([]segment.Mask, n)
	for f := range n {
		if err := v.RGB(f, rgb); err != nil {
			t.Fatal(err)
		}
		for i, b := range rgb {
			frames[f*len(rgb)+i] = float32(b) / 255
		}
		bits, err := m.Tracks[0].Mask(f, m.Width, m.Height)
		if err != nil {
			t.Fatal(err)
		}
		masks[f] = segment.NewMask(m.Width, m.Height)
		for i, on := range bits {
			if on {
				masks[f].Set(i%m.Width, i/m.Width, true)
			}
		}
	}
	clip, err := cfg.Prepare(tensor.New(tensor.WithShape(n, m.Height, m.Width, 3), tensor.WithBacking(frames)), masks)
	if err != nil {
		t.Fatal(err)
	}
	return clip, "highlight " + m.Entities[0].Description
}

// TestDenoisingErrorBeatsTrivial checks, on 4 held-out benchmark clips of 8 frames at
// tau_0 = 0.1 (cosine schedule), that the pretrained denoiser's
// noise-prediction error is clearly below the trivial zero predictor's.
func TestDenoisingErrorBeatsTrivial(t *testing.T) {
	m, err := defaultdenoiser.Denoiser()
	if err != nil {
		t.Fatal(err)
	}
	var model, zero float64
	for i := range 4 {
		clip, instr := heldOut(t, m.Config, i)
		e := nn.NewEager()
		pred, eps, err := m.Predict(e, diffusion.TrainingExample{Clip: clip, Instruction: instr,
			Schedule: diffusion.Cosine, Tau: 0.1, Segments: 2, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		p, y := e.Dense(pred).Float32s(), e.Dense(eps).Float32s()
		for k := range p {
			d := float64(p[k] - y[k])
			model += d * d / float64(4*len(p))
			zero += float64(y[k]) * float64(y[k]) / float64(4*len(p))
		}
	}
	t.Logf("held-out MSE at tau_0: denoiser %.4f, zero predictor %.4f", model, zero)
	if !(model < maxRatio*zero) {
		t.Errorf("denoiser MSE %.4f is not below %.2f x the zero predictor's %.4f", model, maxRatio, zero)
	}
}

// maxRatio is the largest denoiser/zero-predictor error ratio that
// TestDenoisingErrorBeatsTrivial accepts for the shipped checkpoint.
const maxRatio = 0.85
