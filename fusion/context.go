package fusion

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// ContextConfig sizes the temporal context of a ContextFuser.
type ContextConfig struct {
	// Radius is R: each of the two local layers reads frames t-R..t+R
	// (zeros beyond the clip's ends), so a frame token sees 2R frames on
	// each side. 0 reads frame t alone.
	Radius int `json:"radius"`
	// Hidden is H, the width of the local layers.
	Hidden int `json:"hidden"`
}

// EventSumScale weighs the sums over earlier and later frames in
// ContextFuser: a tenth, so that the count of a few events stays at the
// scale of one frame's hidden values.
const EventSumScale = 0.1

// ContextFuser is the fuser of Eq. 13 with temporal context before the
// projection. The paper's frame token W_proj u_t sees frame t alone and
// leaves all temporal reasoning to the language model; a start frame is
// where something begins, which frame t alone cannot tell, and the start
// head reads a causal model that has not seen the frames after t. So:
//
//	u_t   = LN([z_t; e_text; e_time(t)])                 (Eq. 13)
//	h_t   = GELU(W_1 [u_{t-R}; ...; u_{t+R}] + b_1)      (H)
//	k_t   = GELU(W_2 [h_{t-R}; ...; h_{t+R}] + b_2)      (H)
//	c_t   = [k_t; s sum_{u<t} k_u; s sum_{u>t} k_u]      (3H, s = EventSumScale)
//	u~_t  = W_proj c_t + b_proj                          (d_LLM)
//
// e_text enters every frame before the first nonlinearity, so the local
// layers detect the query's events (a start, a contact, a stop) in their
// neighbourhood; the two sums tell each frame what happened before and
// after it (has the anchor event happened yet, how many times has this
// one), which relations ("after", "before", "for the second time") need.
// LLaVA-1.5 likewise replaced a linear projector by a two-layer MLP. The
// fusion is not frame-wise: a frame's token depends on the whole clip.
type ContextFuser struct {
	// Norm is Eq. 13's LayerNorm over d_v+d_t+d_f features.
	Norm nn.LayerNorm `st:"norm"`
	// Local is W_1 (H, (2R+1)(d_v+d_t+d_f)), Mix W_2 (H, (2R+1)H), with
	// biases; their input rows are ordered frame t-R first.
	Local nn.Linear `st:"local"`
	Mix   nn.Linear `st:"mix"`
	// Proj is W_proj (d_LLM, 3H) and b_proj (d_LLM).
	Proj nn.Linear `st:"proj"`

	cfg FuserConfig
	ctx ContextConfig
}

var _ Fuser = (*ContextFuser)(nil)

// NewContextFuser returns a fuser of sizes cfg and ctx, its linear maps
// initialised from rng like PyTorch's nn.Linear, the norm to the identity
// affine map.
func NewContextFuser(rng *rand.Rand, cfg FuserConfig, ctx ContextConfig) (*ContextFuser, error) {
	if cfg.VisualDim < 1 || cfg.TextDim < 1 || cfg.TimeDim < 1 || cfg.LLMDim < 1 {
		return nil, fmt.Errorf("fusion: fuser widths d_v=%d d_t=%d d_f=%d d_LLM=%d, want all >= 1",
			cfg.VisualDim, cfg.TextDim, cfg.TimeDim, cfg.LLMDim)
	}
	if !(cfg.Eps > 0) {
		return nil, fmt.Errorf("fusion: fuser LayerNorm eps %g, want > 0", cfg.Eps)
	}
	if ctx.Radius < 0 || ctx.Hidden < 1 {
		return nil, fmt.Errorf("fusion: context radius %d, hidden %d: want radius >= 0, hidden >= 1", ctx.Radius, ctx.Hidden)
	}
	in, win := cfg.VisualDim+cfg.TextDim+cfg.TimeDim, 2*ctx.Radius+1
	return &ContextFuser{
		Norm:  *nn.NewLayerNorm(in, cfg.Eps),
		Local: *nn.NewLinear(rng, win*in, ctx.Hidden, true),
		Mix:   *nn.NewLinear(rng, win*ctx.Hidden, ctx.Hidden, true),
		Proj:  *nn.NewLinear(rng, 3*ctx.Hidden, cfg.LLMDim, true),
		cfg:   cfg, ctx: ctx,
	}, nil
}

// Config returns the fuser's widths.
func (f *ContextFuser) Config() FuserConfig { return f.cfg }

// Context returns the size of its temporal context.
func (f *ContextFuser) Context() ContextConfig { return f.ctx }

// OutDim returns d_LLM.
func (f *ContextFuser) OutDim() int { return f.cfg.LLMDim }

// Params returns the fuser's trained tensors.
func (f *ContextFuser) Params() []*tensor.Dense {
	return []*tensor.Dense{f.Norm.W, f.Norm.B, f.Local.W, f.Local.B, f.Mix.W, f.Mix.B, f.Proj.W, f.Proj.B}
}

// Fuse runs Forward on the eager executor.
func (f *ContextFuser) Fuse(z *tensor.Dense, eText []float32, eTime *tensor.Dense) (*tensor.Dense, error) {
	return fuseEager(f.Forward, z, eText, eTime)
}

// Forward computes the fuser on e: z is (T, d_v), eText (d_t) or (1, d_t),
// eTime (T, d_f); the result is (T, d_LLM). It checks the shapes first and
// fails naming both sides of a mismatch.
func (f *ContextFuser) Forward(e nn.Exec, z, eText, eTime nn.V) (nn.V, error) {
	u, err := normalisedInput(e, f.cfg, &f.Norm, z, eText, eTime)
	if err != nil {
		return nil, err
	}
	T, r := z.Shape()[0], f.ctx.Radius
	h := nn.GELU(e, f.Local.Forward(e, window(e, u, r)))
	k := nn.GELU(e, f.Mix.Forward(e, window(e, h, r)))
	before, after := prefixSums(T, EventSumScale)
	c := e.Concat(1, k, e.MatMul(e.Const(before), k, false, false), e.MatMul(e.Const(after), k, false, false))
	return f.Proj.Forward(e, c), nil
}

// window returns, for x of shape (T, D), the (T, (2r+1) D) matrix whose
// row t is [x_{t-r}; ...; x_{t+r}], zero rows standing for frames outside
// [0, T).
func window(e nn.Exec, x nn.V, r int) nn.V {
	if r == 0 {
		return x
	}
	T, D := x.Shape()[0], x.Shape()[1]
	parts := make([]nn.V, 0, 2*r+1)
	for d := -r; d <= r; d++ {
		parts = append(parts, shiftRows(e, x, d, T, D))
	}
	return e.Concat(1, parts...)
}

// shiftRows returns y (T, D) with y_t = x_{t+d}, zero where t+d is outside
// [0, T).
func shiftRows(e nn.Exec, x nn.V, d, T, D int) nn.V {
	switch {
	case d == 0:
		return x
	case d >= T || -d >= T:
		return e.Const(tensor.New(tensor.WithShape(T, D), tensor.Of(tensor.Float32)))
	}
	n := max(d, -d)
	zeros := e.Const(tensor.New(tensor.WithShape(n, D), tensor.Of(tensor.Float32)))
	if d > 0 {
		return e.Concat(0, e.Slice(x, 0, d, T), zeros)
	}
	return e.Concat(0, zeros, e.Slice(x, 0, 0, T+d))
}

// prefixSums returns the (T, T) matrices that sum, scaled by s, the rows
// before each row (strictly lower triangle) and after it (strictly upper).
func prefixSums(T int, s float32) (before, after *tensor.Dense) {
	lo, up := make([]float32, T*T), make([]float32, T*T)
	for i := range T {
		for j := range i {
			lo[i*T+j] = s
			up[j*T+i] = s
		}
	}
	return tensor.New(tensor.WithShape(T, T), tensor.WithBacking(lo)), tensor.New(tensor.WithShape(T, T), tensor.WithBacking(up))
}
