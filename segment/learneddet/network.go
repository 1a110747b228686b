package learneddet

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Model is the network, written once against nn.Exec: the graph executor
// trains it, the eager executor runs it. Its tensors are named by st tags
// (checkpoint.Walk).
//
// Shapes, with S = Size, p = Patch, G = S/p, L = G*G tokens, D = Dim,
// K = PixelDim:
//   - frames (B, S, S, 3), values in [0,1], are centred (x - 0.5) and cut
//     into L patches of p x p pixels, token n = row*G + column;
//   - Patch maps each patch (p*p*3 features, (dy, dx, rgb) order) to D; Pos
//     (L, D) is added; the Backbone blocks run on (B, L, D);
//   - the phrase vector c (PhraseDim) is PhraseOut(GELU(PhraseIn(mean of
//     the word embeddings)));
//   - each Conditioned block j runs on the tokens of a (frame, phrase)
//     item after the FiLM modulation x (1 + scale_j(c)) + shift_j(c);
//     a last FiLM follows the final norm;
//   - the mask head is a dynamic per-token pixel MLP: pixel features
//     f = PixelIn(rgb - 0.5) + PixelPos[dy*p+dx] (K), and for token h the
//     logit of its pixel is a(h) . GELU(f + u(h)) + b(h), where
//     (u, a, b) = Kernel(h) (K + K + 1);
//   - the presence logit is log sum_n exp(Presence(h_n)) over the tokens.
type Model struct {
	Patch     nn.PatchEmbed `st:"patch"`
	Pos       *tensor.Dense `st:"pos"`
	Backbone  []*nn.Block   `st:"backbone"`
	Words     nn.Embedding  `st:"words"`
	PhraseIn  nn.Linear     `st:"phrase.fc1"`
	PhraseOut nn.Linear     `st:"phrase.fc2"`
	FiLM      []*nn.AdaLN   `st:"film"`
	Cond      []*nn.Block   `st:"cond"`
	Norm      nn.RMSNorm    `st:"norm"`
	Kernel    nn.Linear     `st:"head.kernel"`
	PixelIn   nn.Linear     `st:"head.pixel"`
	PixelPos  *tensor.Dense `st:"head.pixel_pos"`
	Presence  nn.Linear     `st:"head.presence"`

	cfg Config
}

// NewModel returns a Model of configuration cfg with weights drawn from rng
// (PyTorch's default initialisations; FiLM starts at zero, adaLN-Zero).
func NewModel(cfg Config, rng *rand.Rand) (*Model, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	d, k, p := cfg.Dim, cfg.PixelDim, cfg.Patch
	bc := nn.BlockConfig{Dim: d, Heads: cfg.Heads, Hidden: cfg.Hidden, Eps: 1e-6}
	m := &Model{
		Patch:     *nn.NewPatchEmbed(rng, 1, p, p, 3, d),
		Pos:       scaled(nn.NewEmbedding(rng, cfg.tokens(), d).W, 0.02),
		Words:     *nn.NewEmbedding(rng, len(cfg.Vocab)+1, cfg.WordDim),
		PhraseIn:  *nn.NewLinear(rng, cfg.WordDim, cfg.PhraseDim, true),
		PhraseOut: *nn.NewLinear(rng, cfg.PhraseDim, cfg.PhraseDim, true),
		Norm:      *nn.NewRMSNorm(d, 1e-6),
		Kernel:    *nn.NewLinear(rng, d, 2*k+1, true),
		PixelIn:   *nn.NewLinear(rng, 3, k, true),
		PixelPos:  scaled(nn.NewEmbedding(rng, p*p, k).W, 0.02),
		Presence:  *nn.NewLinear(rng, d, 1, true),
		cfg:       cfg,
	}
	for range cfg.Backbone {
		m.Backbone = append(m.Backbone, nn.NewBlock(rng, bc))
	}
	for range cfg.Conditioned {
		m.Cond = append(m.Cond, nn.NewBlock(rng, bc))
	}
	for range cfg.Conditioned + 1 {
		m.FiLM = append(m.FiLM, nn.NewAdaLN(cfg.PhraseDim, d, 2))
	}
	return m, nil
}

// emptyModel returns a Model of configuration cfg with its structure built
// and every tensor nil, ready for a checkpoint to fill.
func emptyModel(cfg Config) (*Model, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg}
	for range cfg.Backbone {
		m.Backbone = append(m.Backbone, &nn.Block{})
	}
	for range cfg.Conditioned {
		m.Cond = append(m.Cond, &nn.Block{})
	}
	for range cfg.Conditioned + 1 {
		m.FiLM = append(m.FiLM, &nn.AdaLN{N: 2})
	}
	m.Patch.PT, m.Patch.PH, m.Patch.PW = 1, cfg.Patch, cfg.Patch
	m.Norm.Eps = 1e-6
	for _, b := range append(append([]*nn.Block(nil), m.Backbone...), m.Cond...) {
		b.Norm1.Eps, b.Norm2.Eps = 1e-6, 1e-6
		b.Attn.Heads, b.Attn.KVHeads = cfg.Heads, cfg.Heads
	}
	return m, nil
}

// scaled multiplies t's values by s in place and returns t.
func scaled(t *tensor.Dense, s float32) *tensor.Dense {
	for i, v := range t.Float32s() {
		t.Float32s()[i] = v * s
	}
	return t
}

// Config returns the model's configuration.
func (m *Model) Config() Config { return m.cfg }

// Items are the (frame, phrase) pairs of one forward pass.
type Items struct {
	// Frame[i] is the index of item i's frame in the batch of frames.
	Frame []int
	// Words[i] are the vocabulary ids of item i's phrase (Config.Words),
	// at least one.
	Words [][]int
}

// Outputs are the network's results for I items, in token layout: the
// mask logit of pixel (dy, dx) of token n of item i is at column
// n*p*p + dy*p + dx of Mask's row i.
type Outputs struct {
	// Mask is (I, L*p*p); Presence is (I, 1).
	Mask, Presence nn.V
}

// Forward runs the network on frames (B, S, S, 3) (values in [0,1]) for
// the items. pixels is the item-wise patchified input of the mask head,
// (I*L, p*p, 3), values centred (x - 0.5): see ItemPixels.
func (m *Model) Forward(e nn.Exec, frames nn.V, pixels *tensor.Dense, it Items) (Outputs, error) {
	cfg := m.cfg
	s := frames.Shape()
	if len(s) != 4 || s[1] != cfg.Size || s[2] != cfg.Size || s[3] != 3 {
		return Outputs{}, fmt.Errorf("learneddet: frames of shape %v, want (B,%d,%d,3)", s, cfg.Size, cfg.Size)
	}
	if len(it.Frame) == 0 || len(it.Frame) != len(it.Words) {
		return Outputs{}, fmt.Errorf("learneddet: %d item frames and %d item phrases, want the same positive number", len(it.Frame), len(it.Words))
	}
	b, n, l, d, k, pp := s[0], len(it.Frame), cfg.tokens(), cfg.Dim, cfg.PixelDim, cfg.Patch*cfg.Patch
	for i, f := range it.Frame {
		if f < 0 || f >= b {
			return Outputs{}, fmt.Errorf("learneddet: item %d names frame %d of %d", i, f, b)
		}
	}

	// Backbone, once per frame: (B, L, D).
	x := m.Patch.Forward(e, e.AddScalar(frames, -0.5))
	x = e.Add(e.Reshape(x, b, l, d), e.Param(m.Pos))
	for _, blk := range m.Backbone {
		x = blk.Forward(e, x, nil, nil)
	}
	// One copy of its frame's tokens per item: (I, L, D).
	x = e.Reshape(e.Gather(e.Reshape(x, b, l*d), it.Frame), n, l, d)

	c, err := m.phrases(e, it.Words)
	if err != nil {
		return Outputs{}, err
	}
	for j, blk := range m.Cond {
		mod := m.FiLM[j].Forward(e, c)
		x = blk.Forward(e, nn.Modulate(e, x, mod[0], mod[1]), nil, nil)
	}
	mod := m.FiLM[len(m.Cond)].Forward(e, c)
	h := e.Reshape(nn.Modulate(e, m.Norm.Forward(e, x), mod[0], mod[1]), n*l, d)

	// Mask head: (I*L, pp, K) pixel features against per-token kernels.
	f := e.Reshape(m.PixelIn.Forward(e, e.Reshape(e.Const(pixels), n*l*pp, 3)), n*l, pp, k)
	f = e.Add(f, e.Param(m.PixelPos))
	kern := m.Kernel.Forward(e, h)
	u := e.Reshape(e.Slice(kern, 1, 0, k), n*l, 1, k)
	a := e.Reshape(e.Slice(kern, 1, k, 2*k), n*l, 1, k)
	bias := e.Reshape(e.Slice(kern, 1, 2*k, 2*k+1), n*l, 1, 1)
	z := nn.GELU(e, e.Add(f, u))
	logits := e.Add(e.Sum(e.Mul(z, a), 2), bias)
	mask := e.Reshape(logits, n, l*pp)

	// Presence: log-sum-exp of per-token logits, (I, 1).
	t := e.Reshape(m.Presence.Forward(e, h), n, l)
	mx := e.Max(t, 1)
	pres := e.Add(mx, e.Log(e.Sum(e.Exp(e.Sub(t, mx)), 1)))
	if err := e.Err(); err != nil {
		return Outputs{}, fmt.Errorf("learneddet: forward: %w", err)
	}
	return Outputs{Mask: mask, Presence: pres}, nil
}

// phrases returns the phrase vectors (I, PhraseDim) of the items' words.
func (m *Model) phrases(e nn.Exec, words [][]int) (nn.V, error) {
	var ids []int
	for i, ws := range words {
		if len(ws) == 0 {
			return nil, fmt.Errorf("learneddet: item %d: %w", i, ErrEmptyPhrase)
		}
		for _, w := range ws {
			if w < 0 || w > m.cfg.unknown() {
				return nil, fmt.Errorf("learneddet: item %d: word id %d outside [0,%d]", i, w, m.cfg.unknown())
			}
		}
		ids = append(ids, ws...)
	}
	// Mean of each item's word vectors as a product with an averaging
	// matrix (I, total words).
	avg := make([]float32, len(words)*len(ids))
	col := 0
	for i, ws := range words {
		for range ws {
			avg[i*len(ids)+col] = 1 / float32(len(ws))
			col++
		}
	}
	avgT := tensor.New(tensor.WithShape(len(words), len(ids)), tensor.WithBacking(avg))
	v := e.MatMul(e.Const(avgT), m.Words.Forward(e, ids), false, false)
	return m.PhraseOut.Forward(e, nn.GELU(e, m.PhraseIn.Forward(e, v))), nil
}

// ItemPixels returns the mask head's input for items over frames, a
// float32 slice of (B, S, S, 3) values in [0,1]: for every item, its
// frame's pixels patchified and centred, shape (I*L, p*p, 3). An item
// naming a frame outside [0, B) is an error.
func (c Config) ItemPixels(frames []float32, itemFrame []int) (*tensor.Dense, error) {
	s, p, g := c.Size, c.Patch, c.Size/c.Patch
	per := s * s * 3
	out := make([]float32, len(itemFrame)*per)
	for i, f := range itemFrame {
		if f < 0 || (f+1)*per > len(frames) {
			return nil, fmt.Errorf("learneddet: item %d names frame %d of %d", i, f, len(frames)/per)
		}
		src := frames[f*per : (f+1)*per]
		dst := out[i*per : (i+1)*per]
		o := 0
		for ty := range g {
			for tx := range g {
				for dy := range p {
					row := ((ty*p+dy)*s + tx*p) * 3
					for j := range p * 3 {
						dst[o] = src[row+j] - 0.5
						o++
					}
				}
			}
		}
	}
	return tensor.New(tensor.WithShape(len(itemFrame)*g*g, p*p, 3), tensor.WithBacking(out)), nil
}

// PatchMask reorders a Size x Size row-major mask (one value per pixel)
// into the token layout of Outputs.Mask (L*p*p). dst must hold Size*Size
// values.
func (c Config) PatchMask(dst, mask []float32) {
	s, p, g := c.Size, c.Patch, c.Size/c.Patch
	o := 0
	for ty := range g {
		for tx := range g {
			for dy := range p {
				row := (ty*p+dy)*s + tx*p
				o += copy(dst[o:o+p], mask[row:row+p])
			}
		}
	}
}

// unpatch is the inverse of PatchMask: token layout to row-major.
func (c Config) unpatch(dst, tokens []float32) {
	s, p, g := c.Size, c.Patch, c.Size/c.Patch
	o := 0
	for ty := range g {
		for tx := range g {
			for dy := range p {
				row := (ty*p+dy)*s + tx*p
				copy(dst[row:row+p], tokens[o:o+p])
				o += p
			}
		}
	}
}
