package lm

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
)

// Model is a decoder-only language model. Its st tags give the Hugging Face
// tensor names of the Llama layout (checkpoint.Walk), for example
// "model.layers.0.self_attn.q_proj.weight"; Phi-3 checkpoints are mapped
// onto it by Load and Save.
type Model struct {
	// Embed is the token embedding, W of shape (vocab, D).
	Embed nn.Embedding `st:"model.embed_tokens"`
	// Layers are the decoder layers: RMSNorm, attention (q (H*hd, D), k and
	// v (KV*hd, D), o (D, H*hd)), RMSNorm, SwiGLU MLP (gate and up (I, D),
	// down (D, I)).
	Layers []nn.Block `st:"model.layers"`
	// Norm is the final RMSNorm, W of shape (D).
	Norm nn.RMSNorm `st:"model.norm"`
	// Head is lm_head, W of shape (vocab, D); nil when the config ties it
	// to Embed.
	Head *nn.Linear `st:"lm_head"`

	cfg Config
}

// New returns a model of the given config with Hugging Face's
// initialisation: every linear and the embedding drawn from
// N(0, InitializerRange^2) by rng, norms at 1. It fails on an invalid
// config.
func New(c Config, rng *rand.Rand) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("lm: %w", err)
	}
	m := build(c)
	err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
		if *p == nil || isNorm(name) {
			return nil
		}
		data := (*p).Float32s()
		for i := range data {
			data[i] = float32(rng.NormFloat64() * c.InitializerRange)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lm: %w", err)
	}
	return m, nil
}

// isNorm reports whether a tensor name is an RMSNorm weight.
func isNorm(name string) bool {
	return name == "model.norm.weight" || strings.HasSuffix(name, "layernorm.weight")
}

// build returns the model of a valid config with zero linears and
// embedding, norms at 1.
func build(c Config) *Model {
	d, hd, kv, h := c.HiddenSize, c.HeadDims(), c.NumKeyValueHeads, c.NumAttentionHeads
	eps := float32(c.RMSNormEps)
	m := &Model{
		Embed:  nn.Embedding{W: zeros(c.VocabSize, d)},
		Layers: make([]nn.Block, c.NumHiddenLayers),
		Norm:   *nn.NewRMSNorm(d, eps),
		cfg:    c,
	}
	for i := range m.Layers {
		m.Layers[i] = nn.Block{
			Norm1: *nn.NewRMSNorm(d, eps),
			Attn: nn.Attention{
				Q:        nn.Linear{W: zeros(h*hd, d)},
				K:        nn.Linear{W: zeros(kv*hd, d)},
				V:        nn.Linear{W: zeros(kv*hd, d)},
				O:        nn.Linear{W: zeros(d, h*hd)},
				Heads:    h,
				KVHeads:  kv,
				RopeBase: c.RopeTheta,
			},
			Norm2: *nn.NewRMSNorm(d, eps),
			MLP: nn.GatedMLP{
				Gate: nn.Linear{W: zeros(c.IntermediateSize, d)},
				Up:   nn.Linear{W: zeros(c.IntermediateSize, d)},
				Down: nn.Linear{W: zeros(d, c.IntermediateSize)},
			},
		}
	}
	if !c.TieWordEmbeddings {
		m.Head = &nn.Linear{W: zeros(c.VocabSize, d)}
	}
	return m
}

func zeros(shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.Of(tensor.Float32))
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Params returns every weight tensor of the model (the embedding, the
// layers, the final norm and lm_head when untied), in checkpoint order. Pass
// them to (*nn.Graph).Freeze to keep the backbone frozen while training
// adapters or the layers that feed it.
func (m *Model) Params() []*tensor.Dense {
	var ps []*tensor.Dense
	// Walk cannot fail on a Model: its fields are all tensors or structs.
	_ = checkpoint.Walk(m, func(_ string, p **tensor.Dense) error {
		if *p != nil {
			ps = append(ps, *p)
		}
		return nil
	})
	return ps
}
