package learneddet

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// Detector is the learned open-vocabulary detector: for every phrase and
// frame, one proposal (the predicted mask, its box and the presence score)
// when the predicted mask is not empty, none otherwise. It implements
// segment.Detector and segment.Thresholder and is safe for concurrent use
// (inference only reads the weights).
type Detector struct {
	model *Model
}

var (
	_ segment.Detector    = (*Detector)(nil)
	_ segment.Thresholder = (*Detector)(nil)
)

// ErrBadFrames is wrapped by the errors about the frames given to Detect.
var ErrBadFrames = errors.New("learneddet: bad frames")

// New returns a Detector running m (for example one returned by
// LoadModel or trained by the caller). The model must not change while the
// Detector is in use.
func New(m *Model) (*Detector, error) {
	if m == nil {
		return nil, errors.New("learneddet: New needs a model")
	}
	if err := m.cfg.Check(); err != nil {
		return nil, err
	}
	if err := m.checkShapes(); err != nil {
		return nil, fmt.Errorf("learneddet: New: %w", err)
	}
	return &Detector{model: m}, nil
}

// Load returns a Detector with the shipped weights (embedded in the
// binary; about 1 MB), trained on the synthetic benchmark by
// examples/train-detector.
func Load(ctx context.Context) (*Detector, error) {
	m, err := embeddedModel(ctx)
	if err != nil {
		return nil, err
	}
	return New(m)
}

// LoadDir returns a Detector with the checkpoint in dir (Model.Save).
func LoadDir(ctx context.Context, dir string) (*Detector, error) {
	m, err := LoadModel(ctx, dir)
	if err != nil {
		return nil, err
	}
	return New(m)
}

// Model returns the detector's network (read only).
func (d *Detector) Model() *Model { return d.model }

// Threshold implements segment.Thresholder: the configured score
// threshold, the same for every phrase.
func (d *Detector) Threshold(segment.Phrase) float64 { return d.model.cfg.Threshold }

// Detect implements segment.Detector. frames is (T,H,W,3) float32 in
// [0,1] (frame, row, column, RGB); frames of another size than the
// network's Size x Size are resized to it (bilinear) and the masks resized
// back (nearest). Frames holding NaN or infinite values, and phrases with
// no word, are errors naming them. Each phrase gets at most one proposal
// per frame: its mask is the set of pixels whose mask probability is at
// least 0.5, its score the presence probability (Eq. 2's Score). ctx is
// checked before every frame.
func (d *Detector) Detect(ctx context.Context, frames *tensor.Dense, phrases []segment.Phrase) ([][][]segment.Proposal, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("learneddet: detecting: %w", err)
	}
	T, h, w, data, err := checkFrames(frames)
	if err != nil {
		return nil, err
	}
	if len(phrases) == 0 {
		return [][][]segment.Proposal{}, nil
	}
	cfg := d.model.cfg
	words := make([][]int, len(phrases))
	for i, p := range phrases {
		if words[i], err = cfg.Words(p.Text); err != nil {
			return nil, fmt.Errorf("learneddet: phrase %d: %w", i, err)
		}
	}
	out := make([][][]segment.Proposal, len(phrases))
	for i := range out {
		out[i] = make([][]segment.Proposal, T)
	}
	itemFrame := make([]int, len(phrases))
	s := cfg.Size
	in := make([]float32, s*s*3)
	logits := make([]float32, s*s)
	up := make([]float32, w*h)
	for t := range T {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("learneddet: detecting at frame %d: %w", t, err)
		}
		src := data[t*h*w*3 : (t+1)*h*w*3]
		for _, v := range src {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%w: frame %d holds %v", ErrBadFrames, t, v)
			}
		}
		Resize(in, s, s, src, w, h, 3)
		pixels, err := cfg.ItemPixels(in, itemFrame)
		if err != nil {
			return nil, fmt.Errorf("learneddet: frame %d: %w", t, err)
		}
		e := nn.NewEager()
		o, err := d.model.Forward(e, e.Const(dense(in, 1, s, s, 3)), pixels, Items{Frame: itemFrame, Words: words})
		if err != nil {
			return nil, fmt.Errorf("learneddet: frame %d: %w", t, err)
		}
		masks := e.Dense(o.Mask).Float32s()
		pres := e.Dense(o.Presence).Float32s()
		if err := e.Err(); err != nil {
			return nil, fmt.Errorf("learneddet: frame %d: %w", t, err)
		}
		for i := range phrases {
			cfg.unpatch(logits, masks[i*s*s:(i+1)*s*s])
			m := maskFromLogits(logits, s, w, h, up)
			box, ok := m.Box()
			if !ok {
				continue
			}
			score := cfg.score(pres[i], masks[i*s*s:(i+1)*s*s])
			if math.IsNaN(score) {
				return nil, fmt.Errorf("learneddet: frame %d phrase %q: NaN score", t, phrases[i].Text)
			}
			out[i][t] = []segment.Proposal{{Mask: m, Box: box, Score: score}}
		}
	}
	return out, nil
}

// score is a phrase's score in [0,1] from its presence logit and its
// mask logits, as Config.Score says.
func (c Config) score(presence float32, mask []float32) float64 {
	p := sigmoid(float64(presence))
	if c.Score == ScorePresence || c.Score == "" {
		return p
	}
	mx := math.Inf(-1)
	for _, v := range mask {
		mx = max(mx, float64(v))
	}
	m := sigmoid(mx)
	if c.Score == ScoreMask {
		return m
	}
	return math.Sqrt(p * m)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// checkFrames validates a (T,H,W,3) float32 frame tensor and returns its
// sizes and row-major data.
func checkFrames(frames *tensor.Dense) (T, h, w int, data []float32, err error) {
	if frames == nil {
		return 0, 0, 0, nil, fmt.Errorf("%w: nil tensor", ErrBadFrames)
	}
	s := frames.Shape()
	if len(s) != 4 || s[3] != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 {
		return 0, 0, 0, nil, fmt.Errorf("%w: shape %v, want (T,H,W,3) with T, H, W >= 1", ErrBadFrames, s)
	}
	if frames.Dtype() != tensor.Float32 {
		return 0, 0, 0, nil, fmt.Errorf("%w: dtype %v, want float32", ErrBadFrames, frames.Dtype())
	}
	if frames.RequiresIterator() || frames.DataOrder().IsColMajor() {
		c, ok := frames.Materialize().(*tensor.Dense)
		if !ok {
			return 0, 0, 0, nil, fmt.Errorf("%w: cannot read the view of shape %v", ErrBadFrames, s)
		}
		frames = c
	}
	data = frames.Float32s()
	if len(data) < s.TotalSize() {
		return 0, 0, 0, nil, fmt.Errorf("%w: %d values for shape %v", ErrBadFrames, len(data), s)
	}
	return s[0], s[1], s[2], data, nil
}

// Resize resamples src, an image of sh rows of sw pixels with channels
// values each (row-major, channels last), into dst of dh x dw pixels by
// bilinear interpolation at pixel centres with clamped edges (halving a
// side averages pixel pairs); equal sizes copy. dst must hold
// dw*dh*channels values and src sw*sh*channels.
func Resize(dst []float32, dw, dh int, src []float32, sw, sh, channels int) {
	if dw == sw && dh == sh {
		copy(dst, src[:sw*sh*channels])
		return
	}
	for y := range dh {
		fy := (float64(y)+0.5)*float64(sh)/float64(dh) - 0.5
		y0 := int(math.Floor(fy))
		ay := float32(fy - float64(y0))
		y0c, y1c := min(max(y0, 0), sh-1), min(max(y0+1, 0), sh-1)
		for x := range dw {
			fx := (float64(x)+0.5)*float64(sw)/float64(dw) - 0.5
			x0 := int(math.Floor(fx))
			ax := float32(fx - float64(x0))
			x0c, x1c := min(max(x0, 0), sw-1), min(max(x0+1, 0), sw-1)
			for c := range channels {
				p00 := src[(y0c*sw+x0c)*channels+c]
				p01 := src[(y0c*sw+x1c)*channels+c]
				p10 := src[(y1c*sw+x0c)*channels+c]
				p11 := src[(y1c*sw+x1c)*channels+c]
				top := p00 + ax*(p01-p00)
				bot := p10 + ax*(p11-p10)
				dst[(y*dw+x)*channels+c] = top + ay*(bot-top)
			}
		}
	}
}

// maskFromLogits thresholds s x s logits at 0 (probability 0.5) into a
// w x h mask, bilinearly resampling the logits when the sizes differ (buf
// holds w*h values).
func maskFromLogits(logits []float32, s, w, h int, buf []float32) segment.Mask {
	Resize(buf, w, h, logits, s, s, 1)
	m := segment.NewMask(w, h)
	for i, v := range buf[:w*h] {
		if v >= 0 {
			m.Set(i%w, i/w, true)
		}
	}
	return m
}
