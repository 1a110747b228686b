package grounder

import (
	"context"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/lora"
)

// Fit trains a fresh model of config c on samples from scratch: the
// trained parts drawn from seed, adapters of c.LoRA() attached to b.LM
// (the caller detaches them, Set.Detach, before fitting another model on
// the same base), o.Steps steps of Train.
func Fit(ctx context.Context, b Base, c Config, samples []*Sample, seed uint64, o TrainOptions) (*Model, *lora.Set, error) {
	m, set, err := Init(ctx, b, c, seed)
	if err != nil {
		return nil, nil, err
	}
	o.Seed = seed
	if err := Train(ctx, m, b, set, samples, NewAdamW(), 0, o); err != nil {
		set.Detach()
		return nil, nil, err
	}
	return m, set, nil
}

// ConfigFor returns the default config for samples like s with the given
// visual features and token budgets.
func ConfigFor(s *Sample, b Base, features string, objects, timeTokens int) Config {
	c := DefaultConfig(s.PooledDim, len(s.Text), b.LM.Config().HiddenSize, s.AuxDim)
	c.Frames, c.Features, c.ObjectTokens, c.TimeTokens = s.T(), features, objects, timeTokens
	if features == PixelFeatures {
		c.PooledDim = PixelDim + s.EntityDim
	}
	return c
}

// Init returns an untrained model of config c drawn from seed and fresh
// adapters of c.LoRA() attached to b.LM (B = 0: the language model's
// outputs are unchanged until they train).
func Init(ctx context.Context, b Base, c Config, seed uint64) (*Model, *lora.Set, error) {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	m, err := New(c, rng)
	if err != nil {
		return nil, nil, err
	}
	set, err := lora.Attach(ctx, b.LM, c.LoRA(), rng)
	if err != nil {
		return nil, nil, err
	}
	matchTokenScale(m, b)
	return m, set, nil
}

// matchTokenScale scales the fusion projection (weights and bias) so that
// the frame tokens start at the root-mean-square of the language model's
// token embeddings: the frozen model then reads them at the scale of the
// instruction and time tokens beside them. (PyTorch's initialisation of
// W_proj gives tokens of RMS about 1/sqrt(3), twenty times the default
// model's embeddings; a token that large dominates its own residual stream,
// and the frozen layers add little context to it.)
func matchTokenScale(m *Model, b Base) {
	rms := func(xs []float32) float64 {
		var s float64
		for _, x := range xs {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s / float64(max(1, len(xs))))
	}
	w := m.Fuser.Proj.W
	in := w.Shape()[1]
	out := rms(w.Float32s()) * math.Sqrt(float64(in)) // a unit-variance input's output RMS
	if out == 0 {
		return
	}
	f := float32(rms(b.LM.Embed.W.Float32s()) / out)
	for _, t := range []*tensor.Dense{w, m.Fuser.Proj.B} {
		if t == nil {
			continue
		}
		xs := t.Float32s()
		for i := range xs {
			xs[i] *= f
		}
	}
}
