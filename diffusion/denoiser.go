package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Denoiser is the mask-conditioned video diffusion transformer E_theta of
// paper section III-B, written once on the nn layer set (any executor runs
// it). It predicts the noise eps of its noisy input (epsilon
// parameterisation).
//
// Tokens. A clip of T frames (T a multiple of Tubelet) is cut into tubelets
// of Tubelet x Patch x Patch pixels; token (t, p) is tubelet t (0..T/Tubelet-1)
// at patch p (row-major over the patch grid, P = Config.Tokens()). The input
// of a tubelet is the concatenation of its patchified noisy frames (3
// channels) and of its patchified condition (4 channels: the union mask M_t
// and the masked video x_0 * (1 - M_t), inpainting-style as in VACE), each in
// nn.Patchify's (dt, dy, dx, c) order; Embed maps it to D.
//
// Conditioning. The noise level of each tubelet enters as the time
// equivalent on the cosine schedule, tau_c = (2/pi) atan(sigma/alpha), so one
// network serves every schedule; the noisy input is scaled by
// 1/sqrt(alpha^2+sigma^2). A sinusoidal embedding of 1000 tau_c goes through
// an MLP (TimeIn, TimeOut) and the instruction embedding through TextProj;
// their sum c (one per tubelet) drives adaptive layer norm (DiT's adaLN-Zero)
// in every block and before the head.
//
// Blocks alternate spatial attention (even blocks: the P tokens of a tubelet)
// and temporal attention (odd blocks: the tubelets of one patch position,
// block-local over segments of SegTokens tubelets and Window neighbouring
// segments on each side, with rotary positions), so the cost grows linearly
// with T. Patch positions carry a learned embedding Pos.
type Denoiser struct {
	Config   Config          `st:"-"`
	Embed    nn.Linear       `st:"embed"`
	Pos      *tensor.Dense   `st:"pos"`
	TimeIn   nn.Linear       `st:"time.in"`
	TimeOut  nn.Linear       `st:"time.out"`
	Text     BagOfWords      `st:"text"`
	TextProj nn.Linear       `st:"text_proj"`
	Blocks   []DenoiserBlock `st:"blocks"`
	Final    nn.AdaLN        `st:"final.adaln"`
	Head     nn.Linear       `st:"final.head"`
	// Instruction, when not nil, replaces Text as the instruction encoder;
	// its Width must equal Config.TextDim (TextProj's input).
	Instruction InstructionEncoder `st:"-"`
}

// DenoiserBlock is one adaLN transformer block: x += gate1 * Attn(mod1(LN(x)))
// then x += gate2 * MLP(mod2(LN(x))).
type DenoiserBlock struct {
	Mod  nn.AdaLN     `st:"adaln"`
	Attn nn.Attention `st:"attn"`
	MLP  nn.GatedMLP  `st:"mlp"`
	// Temporal says the attention runs along time (odd blocks).
	Temporal bool `st:"-"`
}

// NewDenoiser returns a denoiser of configuration c initialised from rng.
func NewDenoiser(rng *rand.Rand, c Config) (*Denoiser, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	d := c.Dim
	pos := nn.NewEmbedding(rng, c.Tokens(), d).W
	for i, v := range pos.Float32s() {
		pos.Float32s()[i] = v * 0.02
	}
	m := &Denoiser{
		Config:   c,
		Embed:    *nn.NewLinear(rng, 7*c.PatchFeatures()/3, d, true),
		Pos:      pos,
		TimeIn:   *nn.NewLinear(rng, c.TimeDim, d, true),
		TimeOut:  *nn.NewLinear(rng, d, d, true),
		Text:     *NewBagOfWords(rng, c.Vocab, c.TextDim),
		TextProj: *nn.NewLinear(rng, c.TextDim, d, true),
		Final:    *nn.NewAdaLN(d, d, 2),
		Head:     *nn.NewLinear(rng, d, c.PatchFeatures(), true),
	}
	for i := range c.Blocks {
		temporal := i%2 == 1
		rope := 0.0
		if temporal {
			rope = 10000
		}
		m.Blocks = append(m.Blocks, DenoiserBlock{
			Mod:      *nn.NewAdaLN(d, d, 6),
			Attn:     *nn.NewAttention(rng, d, c.Heads, c.Heads, true, rope),
			MLP:      *nn.NewGatedMLP(rng, d, c.Hidden),
			Temporal: temporal,
		})
	}
	return m, nil
}

// Skeleton returns a denoiser of configuration c with every tensor nil and
// every structure allocated, ready for checkpoint.Load.
func Skeleton(c Config) (*Denoiser, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &Denoiser{Config: c, Text: BagOfWords{Vocab: c.Vocab}, Final: nn.AdaLN{N: 2}}
	for i := range c.Blocks {
		temporal := i%2 == 1
		rope := 0.0
		if temporal {
			rope = 10000
		}
		m.Blocks = append(m.Blocks, DenoiserBlock{
			Mod:      nn.AdaLN{N: 6},
			Attn:     nn.Attention{Heads: c.Heads, KVHeads: c.Heads, RopeBase: rope},
			Temporal: temporal,
		})
	}
	return m, nil
}

// instruction returns the instruction encoder in use.
func (m *Denoiser) instruction() InstructionEncoder {
	if m.Instruction != nil {
		return m.Instruction
	}
	return &m.Text
}

// Level is the noise level of one tubelet: the schedule coefficients
// (alpha_tau, sigma_tau) of its frames.
type Level struct{ Alpha, Sigma float64 }

// cosineTime returns (2/pi) atan(sigma/alpha), the time with the same
// signal-to-noise ratio on the cosine schedule.
func (l Level) cosineTime() float64 { return 2 / math.Pi * math.Atan2(l.Sigma, l.Alpha) }

// Pass is the input of one denoiser evaluation.
type Pass struct {
	// Noisy holds the patchified noisy clip, shape (Tt, P, F) with
	// Tt = T/Tubelet tubelets, P patches per frame and F =
	// Config.PatchFeatures(), features in nn.Patchify order.
	Noisy nn.V
	// Cond holds the patchified condition, shape (Tt, P, 4F/3): the mask
	// and masked video frames (T, H, W, 4) through nn.Patchify. Zeros for
	// the unconditional pass.
	Cond nn.V
	// Levels holds the noise level of each tubelet (length Tt).
	Levels []Level
	// Text is the instruction embedding, shape (TextDim); zeros for the
	// unconditional pass.
	Text nn.V
	// SegTokens is the temporal segment length in tubelets.
	SegTokens int
}

// Forward evaluates the denoiser: it returns the predicted noise, shape
// (Tt, P, F) like p.Noisy, and the hidden states after every block, each
// (Tt, P, D).
func (m *Denoiser) Forward(e nn.Exec, p Pass) (eps nn.V, hidden []nn.V) {
	c := m.Config
	tt := len(p.Levels)
	scale := make([]float32, tt)
	times := make([]float64, tt)
	for i, l := range p.Levels {
		scale[i] = float32(1 / math.Sqrt(l.Alpha*l.Alpha+l.Sigma*l.Sigma))
		times[i] = 1000 * l.cosineTime()
	}
	noisy := e.Mul(p.Noisy, e.Const(dense(scale, tt, 1, 1)))
	x := m.Embed.Forward(e, e.Concat(2, noisy, p.Cond))
	x = e.Add(x, e.Param(m.Pos))

	temb := m.TimeOut.Forward(e, nn.SiLU(e, m.TimeIn.Forward(e, e.Const(TimeEmbedding(times, c.TimeDim)))))
	cond := e.Add(temb, m.TextProj.Forward(e, e.Reshape(p.Text, 1, c.TextDim)))

	positions := make([]int, tt)
	for i := range positions {
		positions[i] = i
	}
	for i := range m.Blocks {
		b := &m.Blocks[i]
		mod := b.Mod.Forward(e, cond)
		h := nn.Modulate(e, nn.LayerNormOf(e, x, nil, nil, 1e-6), mod[0], mod[1])
		var a nn.V
		if b.Temporal {
			h = e.Transpose(h, 1, 0, 2) // (P, Tt, D)
			a = b.Attn.ForwardLocal(e, h, positions, max(p.SegTokens, 1), c.Window)
			a = e.Transpose(a, 1, 0, 2)
		} else {
			a = b.Attn.Forward(e, h, nil, nil)
		}
		x = e.Add(x, nn.Gate(e, a, mod[2]))
		h = nn.Modulate(e, nn.LayerNormOf(e, x, nil, nil, 1e-6), mod[3], mod[4])
		x = e.Add(x, nn.Gate(e, b.MLP.Forward(e, h), mod[5]))
		hidden = append(hidden, x)
	}
	fm := m.Final.Forward(e, cond)
	out := m.Head.Forward(e, nn.Modulate(e, nn.LayerNormOf(e, x, nil, nil, 1e-6), fm[0], fm[1]))
	return out, hidden
}

// TimeEmbedding returns the sinusoidal embedding of times, shape
// (len(times), dim): row i is [cos(t_i f_0..f_{h-1}), sin(t_i f_0..f_{h-1})]
// with h = dim/2 and f_j = 10000^(-j/h) (DiT's timestep embedding).
func TimeEmbedding(times []float64, dim int) *tensor.Dense {
	h := dim / 2
	out := make([]float32, len(times)*dim)
	for i, t := range times {
		for j := range h {
			f := math.Pow(10000, -float64(j)/float64(h))
			s, c := math.Sincos(t * f)
			out[i*dim+j], out[i*dim+h+j] = float32(c), float32(s)
		}
	}
	return dense(out, len(times), dim)
}

// NoiseLoss returns the denoising loss, the mean squared error between the
// predicted noise pred and the true noise eps (same shape), as shape (1).
func NoiseLoss(e nn.Exec, pred, eps nn.V) nn.V {
	d := e.Sub(pred, eps)
	n := d.Shape().TotalSize()
	return e.Mean(e.Reshape(e.Square(d), n), 0)
}

// dense wraps data in a float32 tensor of the given shape.
func dense(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// checkFinite returns an error naming what when data holds a NaN or an
// infinity.
func checkFinite(what string, data []float32) error {
	for i, v := range data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("diffusion: %s: element %d is %v", what, i, v)
		}
	}
	return nil
}
