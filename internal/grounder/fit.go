package grounder

import (
	"context"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/lora"
)

// Fit trains a fresh model of config c on samples from scratch: the
// trained parts drawn from seed, adapters of c.LoRA() attached to b.LM
// (the caller detaches them, Set.Detach, before fitting another model on
// the same base), g_phi's input standardised on samples (Standardize),
// o.Steps steps of Train.
func Fit(ctx context.Context, b Base, c Config, samples []*Sample, seed uint64, o TrainOptions) (*Model, *lora.Set, error) {
	m, set, err := InitOn(ctx, b, c, samples, seed)
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

// InitOn is Init followed by Standardize on samples, the training samples:
// the untrained model a training run starts from. On error no adapters
// stay attached.
func InitOn(ctx context.Context, b Base, c Config, samples []*Sample, seed uint64) (*Model, *lora.Set, error) {
	m, set, err := Init(ctx, b, c, seed)
	if err != nil {
		return nil, nil, err
	}
	if err := m.Standardize(samples); err != nil {
		set.Detach()
		return nil, nil, err
	}
	return m, set, nil
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
	if err := matchTokenScale(m, b, rng); err != nil {
		set.Detach()
		return nil, nil, err
	}
	return m, set, nil
}

// matchTokenScale scales the fusion projection (weights and bias) so that
// the frame tokens start at the root-mean-square of the language model's
// token embeddings: the frozen model then reads them at the scale of the
// instruction and time tokens beside them. (PyTorch's initialisation of
// W_proj gives tokens of RMS about 1/sqrt(3), twenty times the default
// model's embeddings; a token that large dominates its own residual stream,
// and the frozen layers add little context to it.) The tokens' RMS is
// measured on the fuser's output for unit-normal inputs of T frames (the
// LayerNorm makes its input's scale irrelevant), drawn from rng.
func matchTokenScale(m *Model, b Base, rng *rand.Rand) error {
	rms := func(xs []float32) float64 {
		var s float64
		for _, x := range xs {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s / float64(max(1, len(xs))))
	}
	c := m.Config
	normal := func(shape ...int) *tensor.Dense {
		xs := make([]float32, tensor.Shape(shape).TotalSize())
		for i := range xs {
			xs[i] = float32(rng.NormFloat64())
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(xs))
	}
	e := nn.NewEager()
	tok, err := m.Fuser.Forward(e, e.Const(normal(c.Frames, c.VisualDim)), e.Const(normal(c.TextDim)), e.Const(normal(c.Frames, c.TimeDim)))
	if err != nil {
		return err
	}
	if err := e.Err(); err != nil {
		return err
	}
	out := rms(e.Dense(tok).Float32s())
	if out == 0 {
		return nil
	}
	scale := c.TokenScale
	if scale == 0 {
		scale = 1
	}
	f := float32(scale * rms(b.LM.Embed.W.Float32s()) / out)
	for _, t := range []*tensor.Dense{m.Fuser.Proj.W, m.Fuser.Proj.B} {
		xs := t.Float32s()
		for i := range xs {
			xs[i] *= f
		}
	}
	return nil
}
