package grounder

import (
	"context"
	"math/rand/v2"

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
		c.PooledDim = PixelDim
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
	return m, set, nil
}
