package diffusion

import (
	"fmt"

	"github.com/videodit/videodit/internal/nn"
)

// TrainingExample is one denoising problem for pretraining: a prepared clip,
// its instruction and how to noise it.
type TrainingExample struct {
	Clip        *Clip
	Instruction string
	// Schedule maps the levels to (alpha, sigma).
	Schedule Schedule
	// Tau is the base diffusion time in (0, 1); Jitter the per-segment
	// jitter (SegmentLevels, clamped to [0.01, 0.99]).
	Tau, Jitter float64
	// Segments is K, the number of temporal noise segments.
	Segments int
	// Seed drives the noise and the jitter.
	Seed uint64
	// Unconditional drops the mask, the masked video and the instruction
	// (classifier-free guidance training).
	Unconditional bool
}

// segmentation returns the segment length in frames (rounded up to whole
// tubelets) and in tubelets for tp frames cut into k segments.
func (c Config) segmentation(tp, k int) (frames, tubelets int, err error) {
	l, err := SegmentLength(tp, k)
	if err != nil {
		return 0, 0, err
	}
	tubelets = (l + c.Tubelet - 1) / c.Tubelet
	return tubelets * c.Tubelet, tubelets, nil
}

// tubeletLevels returns the (alpha, sigma) of each tubelet given per-segment
// times.
func (c Config) tubeletLevels(s Schedule, segTaus []float64, tt, segTokens int) ([]Level, error) {
	out := make([]Level, tt)
	for i := range out {
		tau := segTaus[min(i/segTokens, len(segTaus)-1)]
		a, b, err := s.Coefficients(tau)
		if err != nil {
			return nil, err
		}
		out[i] = Level{a, b}
	}
	return out, nil
}

// TrainingLoss builds, on e, the noise-prediction loss of one example
// (shape (1)): the mean squared error between the prediction and the noise
// of Predict. It returns an error (and no value) on a bad example.
func (m *Denoiser) TrainingLoss(e nn.Exec, ex TrainingExample) (nn.V, error) {
	pred, eps, err := m.Predict(e, ex)
	if err != nil {
		return nil, err
	}
	return NoiseLoss(e, pred, eps), nil
}

// Predict noises the example's clip, x_tau = alpha x_0 + sigma eps with one
// noise draw and one level per temporal segment (Eq. 7 with temporal noise
// injection), and returns the denoiser's predicted noise and the true noise
// eps, both patchified to (Tt, P, F) (see Pass).
func (m *Denoiser) Predict(e nn.Exec, ex TrainingExample) (pred, eps nn.V, err error) {
	c := m.Config
	if ex.Clip == nil {
		return nil, nil, fmt.Errorf("diffusion: training example without a clip")
	}
	tp := ex.Clip.Frames.Shape()[0]
	segLen, segTok, err := c.segmentation(tp, ex.Segments)
	if err != nil {
		return nil, nil, err
	}
	nseg := (tp + segLen - 1) / segLen
	taus, err := SegmentLevels(ex.Seed, nseg, ex.Tau, ex.Jitter, 0.01, 0.99)
	if err != nil {
		return nil, nil, err
	}
	noise, err := SegmentNoise(ex.Seed, segLen, ex.Clip.Frames.Shape()...)
	if err != nil {
		return nil, nil, err
	}
	noisy, err := AddNoise(ex.Schedule, ex.Clip.Frames, noise, FrameLevels(taus, tp, segLen))
	if err != nil {
		return nil, nil, err
	}
	levels, err := c.tubeletLevels(ex.Schedule, taus, tp/c.Tubelet, segTok)
	if err != nil {
		return nil, nil, err
	}
	p := Pass{
		Noisy:     c.patchify(e, e.Const(noisy)),
		Cond:      c.condition(e, ex.Clip),
		Levels:    levels,
		Text:      m.instruction().EmbedInstruction(e, ex.Instruction),
		SegTokens: segTok,
	}
	if ex.Unconditional {
		p.Cond, p.Text = zerosLike(e, p.Cond), zerosLike(e, p.Text)
	}
	pred, _ = m.Forward(e, p)
	return pred, c.patchify(e, e.Const(noise)), nil
}
