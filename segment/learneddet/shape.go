package learneddet

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// ShapeSide is the side of the colour-match map the shape classifier
// reads; ShapeInputDim its width.
const (
	ShapeSide     = 20
	ShapeInputDim = ShapeSide * ShapeSide
)

// ShapeConfig sizes a ShapeClassifier; it is the config.json of its
// checkpoint.
type ShapeConfig struct {
	// Shapes are the class names (the shape nouns a phrase can use).
	Shapes []string `json:"shapes"`
	Hidden int      `json:"hidden"`
}

// ShapeClassifier tells shapes apart from a component's colour-match map
// (ShapeInput): an MLP ShapeInputDim -> Hidden -> len(Shapes) with a GELU.
// The detector grounds colour well and shape hardly at all (see the
// package documentation); this second stage scores each connected part of
// a proposal by the shape its phrase names (ShapeDetector).
type ShapeClassifier struct {
	Config ShapeConfig `st:"-"`
	Hidden nn.Linear   `st:"hidden"`
	Out    nn.Linear   `st:"out"`
}

// NewShapeClassifier returns an untrained classifier of config c drawn
// from rng.
func NewShapeClassifier(c ShapeConfig, rng *rand.Rand) (*ShapeClassifier, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	return &ShapeClassifier{
		Config: c,
		Hidden: *nn.NewLinear(rng, ShapeInputDim, c.Hidden, true),
		Out:    *nn.NewLinear(rng, c.Hidden, len(c.Shapes), true),
	}, nil
}

func (c ShapeConfig) check() error {
	if len(c.Shapes) < 2 || c.Hidden < 1 {
		return fmt.Errorf("learneddet: shape classifier of %d shapes and %d hidden units: want >= 2 and >= 1", len(c.Shapes), c.Hidden)
	}
	return nil
}

// Logits maps colour-match maps x, (N, ShapeInputDim), to shape logits,
// (N, len(Shapes)).
func (s *ShapeClassifier) Logits(e nn.Exec, x nn.V) nn.V {
	return s.Out.Forward(e, nn.GELU(e, s.Hidden.Forward(e, x)))
}

// Params returns the trained tensors.
func (s *ShapeClassifier) Params() []*tensor.Dense {
	return []*tensor.Dense{s.Hidden.W, s.Hidden.B, s.Out.W, s.Out.B}
}

// Probabilities returns softmax(Logits) of the rows of x (N rows of
// ShapeInputDim values), row-major (N, len(Shapes)).
func (s *ShapeClassifier) Probabilities(x []float32) ([]float32, error) {
	n := len(x) / ShapeInputDim
	if n == 0 || len(x) != n*ShapeInputDim {
		return nil, fmt.Errorf("learneddet: %d shape inputs: want a positive multiple of %d", len(x), ShapeInputDim)
	}
	e := nn.NewEager()
	p := nn.Softmax(e, s.Logits(e, e.Const(dense(x, n, ShapeInputDim))), 1)
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("learneddet: shape classifier: %w", err)
	}
	return slices.Clone(e.Dense(p).Float32s()), nil
}

// Index returns the class of shape noun word, or -1.
func (s *ShapeClassifier) Index(word string) int { return slices.Index(s.Config.Shapes, word) }

// Save writes the classifier as a checkpoint directory (config.json and
// model.safetensors) that LoadShapeClassifier reads.
func (s *ShapeClassifier) Save(ctx context.Context, dir string) error {
	if err := checkpoint.Save(ctx, dir, s.Config, s); err != nil {
		return fmt.Errorf("learneddet: saving %s: %w", dir, err)
	}
	return nil
}

// LoadShapeClassifier reads a checkpoint directory written by Save.
func LoadShapeClassifier(ctx context.Context, dir string) (*ShapeClassifier, error) {
	s, err := loadShapesFS(ctx, os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("learneddet: loading %s: %w", dir, err)
	}
	return s, nil
}

// ShippedShapes returns the shipped shape classifier (weights/shapes,
// trained by examples/train-shapes).
func ShippedShapes(ctx context.Context) (*ShapeClassifier, error) {
	dir, err := fs.Sub(weights, "weights/shapes")
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded shape classifier: %w", err)
	}
	s, err := loadShapesFS(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded shape classifier: %w", err)
	}
	return s, nil
}

func loadShapesFS(ctx context.Context, fsys fs.FS) (*ShapeClassifier, error) {
	var c ShapeConfig
	if err := checkpoint.ReadConfigFS(fsys, &c); err != nil {
		return nil, err
	}
	s, err := NewShapeClassifier(c, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	var want [][]int
	for _, t := range s.Params() {
		want = append(want, slices.Clone([]int(t.Shape())))
	}
	if err := checkpoint.LoadFS(ctx, fsys, nil, s); err != nil {
		return nil, err
	}
	for i, t := range s.Params() {
		if !slices.Equal(want[i], []int(t.Shape())) {
			return nil, fmt.Errorf("tensor %d: %w: config wants %v, checkpoint has %v", i, checkpoint.ErrShape, want[i], t.Shape())
		}
	}
	return s, nil
}

// ShapeInput writes into dst (ShapeInputDim values) the colour-match map
// of the square window around box in frame (h x w pixels, RGB in [0, 1],
// row-major): the window is centred on the box, 1.4 times its longer side
// plus 2 pixels wide, sampled on a ShapeSide x ShapeSide grid (3 x 3
// samples per cell, nearest pixel, 0 outside the frame), and each sample
// is exp(-|rgb - colour|^2 / 0.02): 1 on the entity's colour, near 0 on
// the background and on entities of other colours. The map is sharp at the
// frame's resolution whatever the detector's mask resolution.
func ShapeInput(dst, frame []float32, w, h int, box segment.Box, colour [3]float32) {
	cx, cy := float64(box.X0+box.X1)/2, float64(box.Y0+box.Y1)/2
	side := 1.4*float64(max(box.X1-box.X0, box.Y1-box.Y0)) + 2
	cell := side / ShapeSide
	for gy := range ShapeSide {
		for gx := range ShapeSide {
			var sum float64
			for sy := range 3 {
				for sx := range 3 {
					x := int(math.Floor(cx - side/2 + (float64(gx)+(float64(sx)+0.5)/3)*cell))
					y := int(math.Floor(cy - side/2 + (float64(gy)+(float64(sy)+0.5)/3)*cell))
					if x < 0 || y < 0 || x >= w || y >= h {
						continue
					}
					p := frame[(y*w+x)*3 : (y*w+x)*3+3]
					d := 0.0
					for c := range 3 {
						d += float64(p[c]-colour[c]) * float64(p[c]-colour[c])
					}
					sum += math.Exp(-d / 0.02)
				}
			}
			dst[gy*ShapeSide+gx] = float32(sum / 9)
		}
	}
}

// MedianColour returns the per-channel median colour of frame's pixels (h
// x w, RGB) under mask m (zero for an empty mask).
func MedianColour(frame []float32, m segment.Mask) [3]float32 {
	var ch [3][]float32
	for y := range m.Height() {
		for x := range m.Width() {
			if m.At(x, y) {
				for c := range 3 {
					ch[c] = append(ch[c], frame[(y*m.Width()+x)*3+c])
				}
			}
		}
	}
	var out [3]float32
	for c := range 3 {
		if len(ch[c]) > 0 {
			sort.Slice(ch[c], func(i, j int) bool { return ch[c][i] < ch[c][j] })
			out[c] = ch[c][len(ch[c])/2]
		}
	}
	return out
}

// Components splits m into its 8-connected parts, largest first (ties by
// the first pixel in row-major order).
func Components(m segment.Mask) []segment.Mask {
	w, h := m.Width(), m.Height()
	label := make([]int32, w*h)
	var out []segment.Mask
	var stack []int
	for i := range label {
		if label[i] != 0 || !m.At(i%w, i/w) {
			continue
		}
		c := segment.NewMask(w, h)
		label[i] = int32(len(out) + 1)
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			px, py := p%w, p/w
			c.Set(px, py, true)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := px+dx, py+dy
					if x < 0 || y < 0 || x >= w || y >= h || label[y*w+x] != 0 || !m.At(x, y) {
						continue
					}
					label[y*w+x] = int32(len(out) + 1)
					stack = append(stack, y*w+x)
				}
			}
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Area() > out[j].Area() })
	return out
}
