package diffusion

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// Clip is a video prepared for the denoiser: resized to the configuration's
// frame size and padded in time to a multiple of the tubelet depth by
// repeating the last frame.
type Clip struct {
	// Frames has shape (Tp, H, W, 3), values in [0, 1], Tp = T rounded up to
	// a multiple of Config.Tubelet, H x W the configuration's size.
	Frames *tensor.Dense
	// Masks has shape (Tp, H, W, 1): the union mask M_t resized (a pixel is
	// 1 when at least half of the source pixels it covers are set).
	Masks *tensor.Dense
	// Inside has shape (Tp, P): the fraction of each patch's source pixels
	// inside M_t, the weights of the masked pooling.
	Inside *tensor.Dense
	// T is the number of frames before padding.
	T int
	// Entities holds EntityFeatures of the entities' own masks, shape
	// (T, EntityFeaturesDim(Options.Entities)), for an encoder with
	// Options.Entities > 0; nil reads as all zeros (no tracks given).
	Entities *tensor.Dense
}

// Prepare checks and prepares frames of shape (T, H, W, 3), values finite,
// and their union masks M_t (len T, each H x W) for a denoiser of
// configuration c. A nil masks means no mask (all zero). Errors name the
// input: wrong rank or channels, no frames, NaN or infinite values, masks of
// another count or size.
func (c Config) Prepare(frames *tensor.Dense, masks []segment.Mask) (*Clip, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if frames == nil {
		return nil, fmt.Errorf("diffusion: frames: nil tensor")
	}
	s := frames.Shape()
	if len(s) != 4 || s[3] != 3 {
		return nil, fmt.Errorf("diffusion: frames of shape %v: want (T, H, W, 3)", s)
	}
	t, h, w := s[0], s[1], s[2]
	if t < 1 || h < 1 || w < 1 {
		return nil, fmt.Errorf("diffusion: frames of shape %v: want at least one frame of at least 1x1 pixel", s)
	}
	if frames.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("diffusion: frames of dtype %v: want float32", frames.Dtype())
	}
	if frames.RequiresIterator() {
		frames = frames.Materialize().(*tensor.Dense)
	}
	src := frames.Float32s()[:t*h*w*3]
	if err := checkFinite("frames", src); err != nil {
		return nil, err
	}
	if masks != nil && len(masks) != t {
		return nil, fmt.Errorf("diffusion: %d masks for %d frames", len(masks), t)
	}
	for i, m := range masks {
		if m.Width() != w || m.Height() != h {
			return nil, fmt.Errorf("diffusion: mask %d is %dx%d, frames are %dx%d", i, m.Width(), m.Height(), w, h)
		}
	}
	tp := (t + c.Tubelet - 1) / c.Tubelet * c.Tubelet
	H, W, p := c.Height, c.Width, c.Patch
	out := make([]float32, tp*H*W*3)
	mout := make([]float32, tp*H*W)
	inside := make([]float32, tp*c.Tokens())
	ys, xs := spans(h, H), spans(w, W)
	frac := make([]float32, H*W)
	for ti := range tp {
		st := min(ti, t-1)
		for y := range H {
			for x := range W {
				var sum [3]float64
				var in float64
				for sy := ys[y][0]; sy < ys[y][1]; sy++ {
					for sx := xs[x][0]; sx < xs[x][1]; sx++ {
						i := ((st*h+sy)*w + sx) * 3
						sum[0] += float64(src[i])
						sum[1] += float64(src[i+1])
						sum[2] += float64(src[i+2])
						if masks != nil && masks[st].At(sx, sy) {
							in++
						}
					}
				}
				n := float64((ys[y][1] - ys[y][0]) * (xs[x][1] - xs[x][0]))
				o := (ti*H+y)*W + x
				for k := range 3 {
					out[o*3+k] = float32(sum[k] / n)
				}
				frac[y*W+x] = float32(in / n)
				if in/n >= 0.5 {
					mout[o] = 1
				}
			}
		}
		for py := range H / p {
			for px := range W / p {
				var f float32
				for y := py * p; y < (py+1)*p; y++ {
					for x := px * p; x < (px+1)*p; x++ {
						f += frac[y*W+x]
					}
				}
				inside[ti*c.Tokens()+py*(W/p)+px] = f / float32(p*p)
			}
		}
	}
	return &Clip{
		Frames: dense(out, tp, H, W, 3),
		Masks:  dense(mout, tp, H, W, 1),
		Inside: dense(inside, tp, c.Tokens()),
		T:      t,
	}, nil
}

// spans returns, for each of n output cells along an axis of size src, the
// source range [lo, hi) it averages (at least one source index).
func spans(src, n int) [][2]int {
	out := make([][2]int, n)
	for i := range out {
		lo, hi := i*src/n, (i+1)*src/n
		if hi <= lo {
			hi = lo + 1
		}
		out[i] = [2]int{lo, min(hi, src)}
	}
	return out
}

// condition returns the patchified condition of the clip, shape
// (Tt, P, 4F/3): mask and masked video x_0 * (1 - M_t).
func (c Config) condition(e nn.Exec, clip *Clip) nn.V {
	x := e.Const(clip.Frames)
	m := e.Const(clip.Masks)
	masked := e.Mul(x, e.AddScalar(e.Scale(m, -1), 1))
	return c.patchify(e, e.Concat(3, m, masked))
}

// patchify turns frames (Tp, H, W, C) into tokens (Tt, P, Tubelet*Patch*Patch*C).
func (c Config) patchify(e nn.Exec, frames nn.V) nn.V {
	s := frames.Shape()
	tt := s[0] / c.Tubelet
	return e.Reshape(nn.Patchify(e, frames, c.Tubelet, c.Patch, c.Patch), tt, c.Tokens(), c.Tubelet*c.Patch*c.Patch*s[3])
}

// zerosLike returns a constant of zeros of v's shape.
func zerosLike(e nn.Exec, v nn.V) nn.V {
	return e.Const(tensor.New(tensor.WithShape(v.Shape().Clone()...), tensor.Of(tensor.Float32)))
}

// MaskTokens returns the clip's resized union mask laid out like the
// denoiser's predicted noise, shape (Tt, P, F) (see Pass), 1 inside M_t:
// for errors inside and outside the mask.
func (c Config) MaskTokens(e nn.Exec, clip *Clip) nn.V {
	m := e.Const(clip.Masks)
	return c.patchify(e, e.Concat(3, m, m, m))
}
