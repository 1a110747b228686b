package diffusiontest

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/segment"
)

var _ diffusion.DiffusionEncoder = (*Fake)(nil)

// Fake is a deterministic DiffusionEncoder without a model. For frame t it
// computes six statistics, the mean red, green and blue over the frame and
// over the pixels inside M_t, and maps them plus a hash of the instruction
// to Dim features through a fixed random matrix drawn from Seed:
// z_t = tanh(W [stats_t, h(instruction), 1]). It checks its input like the
// real encoder (shape, NaN, mask count and size, context).
type Fake struct {
	// Dim is d_v (at least 1).
	Dim int
	// Seed draws the projection.
	Seed uint64
}

// FeatureDim is Dim.
func (f *Fake) FeatureDim() int { return f.Dim }

// Encode implements diffusion.DiffusionEncoder.
func (f *Fake) Encode(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, instruction string) (*tensor.Dense, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f.Dim < 1 {
		return nil, fmt.Errorf("diffusiontest: fake encoder with Dim %d", f.Dim)
	}
	if frames == nil {
		return nil, fmt.Errorf("diffusiontest: frames: nil tensor")
	}
	s := frames.Shape()
	if len(s) != 4 || s[3] != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 || frames.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("diffusiontest: frames of shape %v, dtype %v: want float32 (T, H, W, 3)", s, frames.Dtype())
	}
	t, h, w := s[0], s[1], s[2]
	if masks != nil && len(masks) != t {
		return nil, fmt.Errorf("diffusiontest: %d masks for %d frames", len(masks), t)
	}
	for i, m := range masks {
		if m.Width() != w || m.Height() != h {
			return nil, fmt.Errorf("diffusiontest: mask %d is %dx%d, frames are %dx%d", i, m.Width(), m.Height(), w, h)
		}
	}
	if frames.RequiresIterator() {
		frames = frames.Materialize().(*tensor.Dense)
	}
	data := frames.Float32s()
	hs := fnv.New64a()
	hs.Write([]byte(instruction))
	text := float64(hs.Sum64()%1000) / 1000
	rng := rand.New(rand.NewPCG(f.Seed, 77))
	const in = 8
	wts := make([]float64, f.Dim*in)
	for i := range wts {
		wts[i] = rng.NormFloat64()
	}
	out := make([]float32, t*f.Dim)
	for ti := range t {
		var all, inside [3]float64
		var n float64
		for y := range h {
			for x := range w {
				i := ((ti*h+y)*w + x) * 3
				for c := range 3 {
					v := float64(data[i+c])
					if math.IsNaN(v) || math.IsInf(v, 0) {
						return nil, fmt.Errorf("diffusiontest: frames: frame %d pixel (%d, %d) is %v", ti, x, y, v)
					}
					all[c] += v
					if masks != nil && masks[ti].At(x, y) {
						inside[c] += v
					}
				}
				if masks != nil && masks[ti].At(x, y) {
					n++
				}
			}
		}
		stats := [in]float64{all[0] / float64(h*w), all[1] / float64(h*w), all[2] / float64(h*w), 0, 0, 0, text, 1}
		if n > 0 {
			stats[3], stats[4], stats[5] = inside[0]/n, inside[1]/n, inside[2]/n
		}
		for j := range f.Dim {
			var z float64
			for k, v := range stats {
				z += wts[j*in+k] * v
			}
			out[ti*f.Dim+j] = float32(math.Tanh(z))
		}
	}
	return tensor.New(tensor.WithShape(t, f.Dim), tensor.WithBacking(out)), nil
}
