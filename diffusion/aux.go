package diffusion

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// AuxEncoder is the auxiliary reference encoder E_aux of paper Eq. 17: it
// reads full frames, without masks, and returns discriminative per-frame
// features.
type AuxEncoder interface {
	// AuxFeatures maps frames (T, H, W, 3), values in [0, 1], to features
	// (T, AuxDim()), axes (frame, feature).
	AuxFeatures(ctx context.Context, frames *tensor.Dense) (*tensor.Dense, error)
	// AuxDim is the feature width C.
	AuxDim() int
}

var _ AuxEncoder = (*FrameClassifier)(nil)

// FrameClassifier is the default AuxEncoder: a small frame encoder trained,
// then frozen, to say which colours and shapes of the synthetic benchmark
// are present in a frame (multi-label). A frame is resized by area
// averaging to Size x Size and cut into 4x4-pixel patches (Size/4 squared
// of them, 48 values each in (dy, dx, channel) order); In and GELU map each
// patch to Hidden features, a maximum over the patches keeps the strongest
// response of each, and Out maps that to C logits, which are the features.
type FrameClassifier struct {
	Size int       `st:"-"`
	In   nn.Linear `st:"in"`
	Out  nn.Linear `st:"out"`
}

// auxPatch is the side of the classifier's patches.
const auxPatch = 4

// NewFrameClassifier returns an untrained classifier of size x size frames
// (size a multiple of 4), hidden width hidden and c classes, initialised
// from rng.
func NewFrameClassifier(rng *rand.Rand, size, hidden, c int) *FrameClassifier {
	return &FrameClassifier{Size: size, In: *nn.NewLinear(rng, auxPatch*auxPatch*3, hidden, true), Out: *nn.NewLinear(rng, hidden, c, true)}
}

// AuxDim is the number of classes C.
func (f *FrameClassifier) AuxDim() int { return f.Out.W.Shape()[0] }

// Input resizes frames (T, H, W, 3) to the classifier's input
// (T, Size, Size, 3).
// It fails on a bad shape or a NaN.
func (f *FrameClassifier) Input(frames *tensor.Dense) (*tensor.Dense, error) {
	if frames == nil {
		return nil, fmt.Errorf("diffusion: aux frames: nil tensor")
	}
	s := frames.Shape()
	if len(s) != 4 || s[3] != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 {
		return nil, fmt.Errorf("diffusion: aux frames of shape %v: want (T, H, W, 3)", s)
	}
	if f.Size < auxPatch || f.Size%auxPatch != 0 {
		return nil, fmt.Errorf("diffusion: aux size %d: want a positive multiple of %d", f.Size, auxPatch)
	}
	if frames.RequiresIterator() {
		frames = frames.Materialize().(*tensor.Dense)
	}
	t, h, w := s[0], s[1], s[2]
	src := frames.Float32s()[:t*h*w*3]
	if err := checkFinite("aux frames", src); err != nil {
		return nil, err
	}
	n := f.Size
	ys, xs := spans(h, n), spans(w, n)
	out := make([]float32, t*n*n*3)
	for ti := range t {
		for y := range n {
			for x := range n {
				var sum [3]float64
				for sy := ys[y][0]; sy < ys[y][1]; sy++ {
					for sx := xs[x][0]; sx < xs[x][1]; sx++ {
						i := ((ti*h+sy)*w + sx) * 3
						sum[0], sum[1], sum[2] = sum[0]+float64(src[i]), sum[1]+float64(src[i+1]), sum[2]+float64(src[i+2])
					}
				}
				cnt := float64((ys[y][1] - ys[y][0]) * (xs[x][1] - xs[x][0]))
				for k := range 3 {
					out[((ti*n+y)*n+x)*3+k] = float32(sum[k] / cnt)
				}
			}
		}
	}
	return dense(out, t, n, n, 3), nil
}

// Forward maps inputs (T, Size, Size, 3) (from Input) to logits (T, C).
func (f *FrameClassifier) Forward(e nn.Exec, in nn.V) nn.V {
	t, n := in.Shape()[0], f.Size/auxPatch
	p := e.Reshape(nn.Patchify(e, in, 1, auxPatch, auxPatch), t, n*n, auxPatch*auxPatch*3)
	h := nn.GELU(e, f.In.Forward(e, p)) // (T, patches, Hidden)
	pooled := e.Reshape(e.Max(h, 1), t, h.Shape()[2])
	return f.Out.Forward(e, pooled)
}

// Loss returns the multi-label logistic loss of logits (T, C) against
// labels (T, C) in {0, 1}, averaged over every element, shape (1):
// mean(log(1 + exp(x)) - y x).
func (f *FrameClassifier) Loss(e nn.Exec, logits nn.V, labels *tensor.Dense) nn.V {
	softplus := e.Log(e.AddScalar(e.Exp(logits), 1))
	l := e.Sub(softplus, e.Mul(e.Const(labels), logits))
	return e.Mean(e.Reshape(l, l.Shape().TotalSize()), 0)
}

// AuxFeatures implements AuxEncoder: the logits (T, C), computed eagerly.
func (f *FrameClassifier) AuxFeatures(ctx context.Context, frames *tensor.Dense) (*tensor.Dense, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	in, err := f.Input(frames)
	if err != nil {
		return nil, err
	}
	e := nn.NewEager()
	out := f.Forward(e, e.Const(in))
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("diffusion: aux features: %w", err)
	}
	d := e.Dense(out)
	return dense(append([]float32(nil), d.Float32s()...), d.Shape()...), nil
}
