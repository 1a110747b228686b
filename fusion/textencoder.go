package fusion

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
)

// TextEncoder turns a grounding query into its sentence embedding e_text
// (paper Eq. 10).
type TextEncoder interface {
	// Encode returns e_text, shape (Dim). It fails on an empty text and on
	// a text longer than the encoder takes.
	Encode(ctx context.Context, text string) ([]float32, error)
	// Dim returns d_t, the width of e_text.
	Dim() int
}

// TextConfig sizes a TextTransformer. It is the config.json of a text
// encoder checkpoint.
type TextConfig struct {
	// VocabSize is the number of tokens of the vocabulary (the rows of the
	// embedding table); it must equal the tokenizer's Size.
	VocabSize int `json:"vocab_size"`
	// Dim is the model width d_t; Heads the attention heads (Dim must be a
	// multiple of Heads, with an even head width for rotary positions);
	// Layers the transformer blocks; Hidden the gated MLP's width.
	Dim    int `json:"dim"`
	Heads  int `json:"heads"`
	Layers int `json:"layers"`
	Hidden int `json:"hidden"`
	// MaxLen is the most tokens of a text, [CLS] and [SEP] included.
	MaxLen int `json:"max_len"`
	// RopeBase is the base of the rotary positions; Eps the epsilon of the
	// blocks' RMSNorms and of the final LayerNorm.
	RopeBase float64 `json:"rope_base"`
	Eps      float32 `json:"eps"`
}

// DefaultTextConfig returns the size of the SDK's default text encoder for
// a vocabulary of vocabSize tokens: width 64, 4 heads, 2 blocks, MLP 128,
// at most 64 tokens.
func DefaultTextConfig(vocabSize int) TextConfig {
	return TextConfig{VocabSize: vocabSize, Dim: 64, Heads: 4, Layers: 2, Hidden: 128, MaxLen: 64, RopeBase: 10000, Eps: 1e-6}
}

// validate reports the first unusable field.
func (c TextConfig) validate() error {
	switch {
	case c.VocabSize < len(specialTokens):
		return fmt.Errorf("fusion: text config vocab_size %d, want at least %d", c.VocabSize, len(specialTokens))
	case c.Dim < 1 || c.Heads < 1 || c.Dim%c.Heads != 0 || (c.Dim/c.Heads)%2 != 0:
		return fmt.Errorf("fusion: text config dim %d and heads %d: want dim a multiple of heads with an even head width", c.Dim, c.Heads)
	case c.Layers < 0 || c.Hidden < 1:
		return fmt.Errorf("fusion: text config layers %d and hidden %d: want layers >= 0, hidden >= 1", c.Layers, c.Hidden)
	case c.MaxLen < 3:
		return fmt.Errorf("fusion: text config max_len %d, want >= 3", c.MaxLen)
	case !(c.RopeBase > 1) || !(c.Eps > 0):
		return fmt.Errorf("fusion: text config rope_base %g and eps %g, want > 1 and > 0", c.RopeBase, c.Eps)
	}
	return nil
}

// params returns the number of weights of a TextTransformer of size c
// (in float64, so that absurd sizes do not overflow).
func (c TextConfig) params() float64 {
	v, d, h, l := float64(c.VocabSize), float64(c.Dim), float64(c.Hidden), float64(c.Layers)
	return v*d + l*(2*d+4*d*d+3*d*h) + 2*d
}

// TextTransformer is the default TextEncoder: the WordPiece Tokenizer and a
// bidirectional transformer encoder (Llama-style pre-norm blocks of package
// nn with rotary positions and no causal mask), whose output at the [CLS]
// position, layer-normalised, is e_text (Eq. 10).
type TextTransformer struct {
	// Embed is the token table, (VocabSize, Dim).
	Embed nn.Embedding `st:"embed"`
	// Blocks are the Layers transformer blocks.
	Blocks []nn.Block `st:"blocks"`
	// Norm normalises the [CLS] state, over Dim.
	Norm nn.LayerNorm `st:"norm"`

	cfg TextConfig
	tok *Tokenizer
}

var _ TextEncoder = (*TextTransformer)(nil)

// NewTextTransformer returns a text encoder of size cfg over tok, with
// weights drawn from rng (PyTorch's default initialisations). cfg.VocabSize
// must equal tok.Size().
func NewTextTransformer(rng *rand.Rand, cfg TextConfig, tok *Tokenizer) (*TextTransformer, error) {
	if tok == nil {
		return nil, errors.New("fusion: nil tokenizer")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.VocabSize != tok.Size() {
		return nil, fmt.Errorf("fusion: text config vocab_size %d disagrees with the vocabulary's %d tokens", cfg.VocabSize, tok.Size())
	}
	m := &TextTransformer{
		Embed: *nn.NewEmbedding(rng, cfg.VocabSize, cfg.Dim),
		Norm:  *nn.NewLayerNorm(cfg.Dim, cfg.Eps),
		cfg:   cfg,
		tok:   tok,
	}
	for range cfg.Layers {
		m.Blocks = append(m.Blocks, *nn.NewBlock(rng, nn.BlockConfig{
			Dim: cfg.Dim, Heads: cfg.Heads, Hidden: cfg.Hidden, RopeBase: cfg.RopeBase, Eps: cfg.Eps,
		}))
	}
	return m, nil
}

// Config returns the encoder's size.
func (m *TextTransformer) Config() TextConfig { return m.cfg }

// Tokenizer returns the encoder's tokenizer.
func (m *TextTransformer) Tokenizer() *Tokenizer { return m.tok }

// Dim returns d_t.
func (m *TextTransformer) Dim() int { return m.cfg.Dim }

// Encode tokenizes text and returns e_text, shape (Dim), computed by the
// eager executor.
func (m *TextTransformer) Encode(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fusion: encoding text: %w", err)
	}
	ids, err := m.IDs(text)
	if err != nil {
		return nil, err
	}
	e := nn.NewEager()
	out := m.Forward(e, [][]int{ids})
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("fusion: encoding text %q: %w", text, err)
	}
	return append([]float32(nil), e.Dense(out).Data().([]float32)...), nil
}

// IDs returns the token ids of text ([CLS] ... [SEP]), failing on an empty
// text and on more than MaxLen tokens.
func (m *TextTransformer) IDs(text string) ([]int, error) {
	ids, err := m.tok.Encode(text)
	if err != nil {
		return nil, err
	}
	if len(ids) > m.cfg.MaxLen {
		return nil, fmt.Errorf("fusion: text %.40q has %d tokens, the text encoder takes at most %d", text, len(ids), m.cfg.MaxLen)
	}
	return ids, nil
}

// Forward encodes a batch of B token sequences (each as IDs returns it,
// lengths may differ) and returns e_text for each, shape (B, Dim). Shorter
// sequences are padded with [PAD] on the right and the padding is hidden
// from attention, so a text's embedding does not depend on its batch. It is
// written once on nn.Exec: the graph executor trains it.
func (m *TextTransformer) Forward(e nn.Exec, batch [][]int) nn.V {
	return m.pool(e, m.Hidden(e, batch), len(batch))
}

// Hidden returns the last block's states of a batch, shape (B, L, Dim),
// L the longest sequence; padded positions hold unspecified values.
func (m *TextTransformer) Hidden(e nn.Exec, batch [][]int) nn.V {
	b, l := len(batch), 0
	for _, s := range batch {
		l = max(l, len(s))
	}
	pad := m.tok.mustID(PadToken)
	ids := make([]int, 0, b*l)
	keep := make([][]bool, b)
	padded := false
	for i, s := range batch {
		keep[i] = make([]bool, l)
		ids = append(ids, s...)
		for j := range l {
			keep[i][j] = j < len(s)
			if j >= len(s) {
				ids = append(ids, pad)
				padded = true
			}
		}
	}
	x := e.Reshape(m.Embed.Forward(e, ids), b, l, m.cfg.Dim)
	var bias nn.V
	if padded {
		bias = e.Const(nn.KeyPaddingBias(l, keep))
	}
	for i := range m.Blocks {
		x = m.Blocks[i].Forward(e, x, nil, bias)
	}
	return x
}

// pool is CLS pooling (Eq. 10): the normalised state of position 0.
func (m *TextTransformer) pool(e nn.Exec, h nn.V, b int) nn.V {
	cls := e.Reshape(e.Slice(h, 1, 0, 1), b, m.cfg.Dim)
	return m.Norm.Forward(e, cls)
}

// Params returns the encoder's weight tensors in checkpoint order (to
// freeze or train them).
func (m *TextTransformer) Params() []*tensor.Dense {
	var ps []*tensor.Dense
	// Walk cannot fail on this struct: every tagged field is a tensor or a
	// struct of tensors.
	_ = checkpoint.Walk(m, func(_ string, t **tensor.Dense) error {
		if *t != nil {
			ps = append(ps, *t)
		}
		return nil
	})
	return ps
}
