package fusion

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Fuser turns per-frame features, the query embedding and the time
// embeddings into the language model's frame tokens (paper Eq. 13).
type Fuser interface {
	// Fuse returns the frame tokens u~_t, shape (T, OutDim), axis 0 the
	// frame, from z of shape (T, d_v), eText of shape (d_t) and eTime of
	// shape (T, d_f). It fails on T = 0 and on widths or frame counts that
	// disagree, naming both sides.
	Fuse(z *tensor.Dense, eText []float32, eTime *tensor.Dense) (*tensor.Dense, error)
	// OutDim returns d_LLM.
	OutDim() int
}

// FuserConfig sizes a ConcatFuser; it is the fuser's part of a model
// config.
type FuserConfig struct {
	// VisualDim is d_v (z_t), TextDim d_t (e_text), TimeDim d_f (e_time),
	// LLMDim d_LLM (the language model's width).
	VisualDim int `json:"visual_dim"`
	TextDim   int `json:"text_dim"`
	TimeDim   int `json:"time_dim"`
	LLMDim    int `json:"llm_dim"`
	// Eps is the LayerNorm epsilon (PyTorch's default 1e-5).
	Eps float32 `json:"eps"`
}

// ConcatFuser is the fuser of Eq. 13:
// u_t = LN([z_t; e_text; e_time(t)]) in R^(d_v+d_t+d_f), then
// u~_t = W_proj u_t + b_proj in R^(d_LLM). Norm and Proj train (the fusion
// projection of the paper's recipe).
type ConcatFuser struct {
	// Norm is the LayerNorm over d_v+d_t+d_f features.
	Norm nn.LayerNorm `st:"norm"`
	// Proj is W_proj (d_LLM, d_v+d_t+d_f) and b_proj (d_LLM).
	Proj nn.Linear `st:"proj"`

	cfg FuserConfig
}

var _ Fuser = (*ConcatFuser)(nil)

// NewConcatFuser returns a fuser of size cfg, the projection initialised
// from rng like PyTorch's nn.Linear, the norm to the identity affine map.
func NewConcatFuser(rng *rand.Rand, cfg FuserConfig) (*ConcatFuser, error) {
	if cfg.VisualDim < 1 || cfg.TextDim < 1 || cfg.TimeDim < 1 || cfg.LLMDim < 1 {
		return nil, fmt.Errorf("fusion: fuser widths d_v=%d d_t=%d d_f=%d d_LLM=%d, want all >= 1",
			cfg.VisualDim, cfg.TextDim, cfg.TimeDim, cfg.LLMDim)
	}
	if !(cfg.Eps > 0) {
		return nil, fmt.Errorf("fusion: fuser LayerNorm eps %g, want > 0", cfg.Eps)
	}
	in := cfg.VisualDim + cfg.TextDim + cfg.TimeDim
	return &ConcatFuser{Norm: *nn.NewLayerNorm(in, cfg.Eps), Proj: *nn.NewLinear(rng, in, cfg.LLMDim, true), cfg: cfg}, nil
}

// Config returns the fuser's size.
func (f *ConcatFuser) Config() FuserConfig { return f.cfg }

// OutDim returns d_LLM.
func (f *ConcatFuser) OutDim() int { return f.cfg.LLMDim }

// Fuse computes Eq. 13 on the eager executor.
func (f *ConcatFuser) Fuse(z *tensor.Dense, eText []float32, eTime *tensor.Dense) (*tensor.Dense, error) {
	return fuseEager(f.Forward, z, eText, eTime)
}

// fuseEager runs a fuser's Forward on the eager executor.
func fuseEager(forward func(e nn.Exec, z, eText, eTime nn.V) (nn.V, error), z *tensor.Dense, eText []float32, eTime *tensor.Dense) (*tensor.Dense, error) {
	if z == nil || eTime == nil {
		return nil, fmt.Errorf("fusion: fuse: nil frame features or time embeddings")
	}
	e := nn.NewEager()
	text := tensor.New(tensor.WithShape(len(eText)), tensor.WithBacking(append([]float32(nil), eText...)))
	out, err := forward(e, e.Const(z), e.Const(text), e.Const(eTime))
	if err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("fusion: fuse: %w", err)
	}
	return e.Dense(out), nil
}

// Forward computes Eq. 13 on e: z is (T, d_v), eText (d_t) or (1, d_t),
// eTime (T, d_f); the result is (T, d_LLM). Gradients reach the fuser's
// parameters and every input that is a parameter or the output of one.
// It checks the shapes first and fails naming both sides of a mismatch.
func (f *ConcatFuser) Forward(e nn.Exec, z, eText, eTime nn.V) (nn.V, error) {
	u, err := normalisedInput(e, f.cfg, &f.Norm, z, eText, eTime)
	if err != nil {
		return nil, err
	}
	return f.Proj.Forward(e, u), nil
}

// normalisedInput checks the shapes of z (T, d_v), eText (d_t) or (1, d_t)
// and eTime (T, d_f) against cfg, naming both sides of a mismatch, and
// returns u = norm([z_t; e_text; e_time(t)]), (T, d_v+d_t+d_f) (Eq. 13).
func normalisedInput(e nn.Exec, cfg FuserConfig, norm *nn.LayerNorm, z, eText, eTime nn.V) (nn.V, error) {
	zs, ts, fs := z.Shape(), eText.Shape(), eTime.Shape()
	if len(zs) != 2 {
		return nil, fmt.Errorf("fusion: frame features z have shape %v, want (T, d_v=%d)", zs, cfg.VisualDim)
	}
	T := zs[0]
	switch {
	case T == 0:
		return nil, fmt.Errorf("fusion: frame features z have no frames (T = 0)")
	case zs[1] != cfg.VisualDim:
		return nil, fmt.Errorf("fusion: frame features z have width %d, the fuser expects d_v = %d", zs[1], cfg.VisualDim)
	case !(len(ts) == 1 || len(ts) == 2 && ts[0] == 1) || ts[len(ts)-1] != cfg.TextDim:
		return nil, fmt.Errorf("fusion: text embedding has shape %v, the fuser expects (d_t=%d)", ts, cfg.TextDim)
	case len(fs) != 2 || fs[1] != cfg.TimeDim:
		return nil, fmt.Errorf("fusion: time embeddings have shape %v, the fuser expects (T=%d, d_f=%d)", fs, T, cfg.TimeDim)
	case fs[0] != T:
		return nil, fmt.Errorf("fusion: frame features z have %d frames, time embeddings %d", T, fs[0])
	}
	if len(ts) == 2 {
		eText = e.Reshape(eText, cfg.TextDim)
	}
	// Repeat e_text on every frame: zeros (T, d_t) + e_text broadcasts,
	// and the gradient of the broadcast sums over the frames.
	zeros := tensor.New(tensor.WithShape(T, cfg.TextDim), tensor.WithBacking(make([]float32, T*cfg.TextDim)))
	text := e.Add(e.Const(zeros), eText)
	return norm.Forward(e, e.Concat(1, z, text, eTime)), nil
}
