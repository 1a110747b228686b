package diffusion

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// DiffusionEncoder is the video stage of the pipeline: it turns frames, their
// union masks and an instruction into per-frame features z_t (paper Eq. 9).
type DiffusionEncoder interface {
	// Encode maps frames of shape (T, H, W, 3), float32 values in [0, 1],
	// the union masks M_t (len T, each H x W; nil for none) and the
	// instruction y_hl to features of shape (T, FeatureDim()), axes
	// (frame, feature). The same inputs give the same features.
	Encode(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, instruction string) (*tensor.Dense, error)
	// FeatureDim is d_v, the width of z_t.
	FeatureDim() int
}

var _ DiffusionEncoder = (*Encoder)(nil)

// Encoder is the default DiffusionEncoder: a (frozen) Denoiser run along the
// early-step trajectory of Options, per-frame pooling of the tapped hidden
// states (Config.Pool) and the learned projection g_phi (Proj), so
// z_t = g_phi(Pool(h_tau0))_t (paper Eq. 8-9). It runs on the eager CPU
// executor; it is safe for concurrent use as long as nobody changes its
// fields.
type Encoder struct {
	Denoiser *Denoiser `st:"denoiser"`
	// Proj is g_phi: (2 * len(taps) * D [+ GeometryDim]
	// [+ EntityFeaturesDim(Options.Entities)]) -> d_v.
	Proj    nn.Linear `st:"g_phi"`
	Options Options   `st:"-"`
}

// NewEncoder returns an encoder over the denoiser m with a projection g_phi
// to dv features initialised from rng.
func NewEncoder(rng *rand.Rand, m *Denoiser, dv int, o Options) (*Encoder, error) {
	if m == nil {
		return nil, fmt.Errorf("diffusion: NewEncoder: nil denoiser")
	}
	if dv < 1 {
		return nil, fmt.Errorf("diffusion: NewEncoder: feature width %d: want >= 1", dv)
	}
	taps, err := o.taps(len(m.Blocks))
	if err != nil {
		return nil, err
	}
	if o.Entities < 0 {
		return nil, fmt.Errorf("diffusion: NewEncoder: %d entity slots: want >= 0", o.Entities)
	}
	in := 2 * len(taps) * m.Config.Dim
	if o.Geometry {
		in += GeometryDim
	}
	in += EntityFeaturesDim(o.Entities)
	return &Encoder{Denoiser: m, Proj: *nn.NewLinear(rng, in, dv, true), Options: o}, nil
}

// FeatureDim is d_v.
func (enc *Encoder) FeatureDim() int { return enc.Proj.W.Shape()[0] }

// PooledDim is the width of the pooled features that g_phi reads.
func (enc *Encoder) PooledDim() int { return enc.Proj.W.Shape()[1] }

// Features builds z = g_phi(Pool(h_tau0)) of a prepared clip on e, shape
// (T, d_v): the whole computation on one executor, for training g_phi
// through the graph executor (freeze the denoiser's tensors to train g_phi
// alone).
func (enc *Encoder) Features(ctx context.Context, e nn.Exec, clip *Clip, instruction string) (nn.V, error) {
	h, err := enc.Denoiser.Trajectory(ctx, e, clip, instruction, enc.Options)
	if err != nil {
		return nil, err
	}
	return enc.Project(e, enc.withGeometry(e, enc.Denoiser.Config.Pool(e, h, clip), clip)), nil
}

// Project applies g_phi to pooled features (T, PooledDim()) -> (T, d_v).
func (enc *Encoder) Project(e nn.Exec, pooled nn.V) nn.V { return enc.Proj.Forward(e, pooled) }

// Pooled returns Pool(h_tau0), followed by Geometry when Options.Geometry
// is set and the (zero) entity features when Options.Entities > 0, shape
// (T, PooledDim()), computed eagerly: what g_phi reads, for training it
// without running the frozen denoiser in the graph.
func (enc *Encoder) Pooled(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, instruction string) (*tensor.Dense, error) {
	return enc.run(ctx, frames, masks, nil, instruction, false)
}

// PooledTracks is Pooled with the entities' own masks (see EncodeTracks).
func (enc *Encoder) PooledTracks(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, tracks [][]segment.Mask, instruction string) (*tensor.Dense, error) {
	return enc.run(ctx, frames, masks, tracks, instruction, false)
}

// Encode implements DiffusionEncoder. With Options.Entities > 0 the entity
// features are zeros, as for a query without entities: use EncodeTracks.
func (enc *Encoder) Encode(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, instruction string) (*tensor.Dense, error) {
	return enc.run(ctx, frames, masks, nil, instruction, true)
}

// EncodeTracks implements TrackEncoder: Encode, with the EntityFeatures of
// tracks (one mask sequence per entity, query order) in the pooled
// features when Options.Entities > 0.
func (enc *Encoder) EncodeTracks(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, tracks [][]segment.Mask, instruction string) (*tensor.Dense, error) {
	return enc.run(ctx, frames, masks, tracks, instruction, true)
}

func (enc *Encoder) run(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, tracks [][]segment.Mask, instruction string, project bool) (*tensor.Dense, error) {
	if enc.Denoiser == nil {
		return nil, fmt.Errorf("diffusion: encoder without a denoiser")
	}
	clip, err := enc.Denoiser.Config.Prepare(frames, masks)
	if err != nil {
		return nil, err
	}
	if n := enc.Options.Entities; n > 0 {
		ent, err := EntityFeatures(frames, tracks, n)
		if err != nil {
			return nil, err
		}
		clip.Entities = dense(ent, clip.T, EntityFeaturesDim(n))
	}
	e := nn.NewEager()
	h, err := enc.Denoiser.Trajectory(ctx, e, clip, instruction, enc.Options)
	if err != nil {
		return nil, fmt.Errorf("diffusion: encode: %w", err)
	}
	out := enc.withGeometry(e, enc.Denoiser.Config.Pool(e, h, clip), clip)
	if project {
		out = enc.Project(e, out)
	}
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("diffusion: encode: %w", err)
	}
	d := e.Dense(out)
	return tensor.New(tensor.WithShape(d.Shape().Clone()...), tensor.WithBacking(append([]float32(nil), d.Float32s()...))), nil
}
