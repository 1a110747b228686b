package learneddet

import (
	"context"
	"fmt"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/segment"
)

// ShapeDetector is a segment.Detector that refines another detector's
// proposals by shape: every proposal of Base is split into its connected
// parts (Components; parts under MinArea pixels are dropped unless none is
// larger), and each part becomes a proposal scored
// Base's score x P(shape | part), the probability Shapes gives the shape
// noun of the phrase (its Head, else its last word that Shapes knows).
// A phrase naming no known shape keeps Base's proposals. Base's mask for
// "blue square" covers every blue entity; the part shaped like a square
// then wins, so that the segmenter seeds and re-seeds tracks on the
// entity the phrase names, and a frame showing only a blue circle scores
// low. It is a segment.Thresholder when Base is, and safe for concurrent
// use when Base is.
type ShapeDetector struct {
	Base    segment.Detector
	Shapes  *ShapeClassifier
	MinArea int
}

var (
	_ segment.Detector    = (*ShapeDetector)(nil)
	_ segment.Thresholder = (*ShapeDetector)(nil)
)

// Threshold implements segment.Thresholder: Base's threshold, or 0.5 when
// Base has none.
func (d *ShapeDetector) Threshold(p segment.Phrase) float64 {
	if th, ok := d.Base.(segment.Thresholder); ok {
		return th.Threshold(p)
	}
	return 0.5
}

// shapeOf returns the class of the shape phrase p names, or -1.
func (d *ShapeDetector) shapeOf(p segment.Phrase) int {
	if i := d.Shapes.Index(strings.ToLower(p.Head)); i >= 0 {
		return i
	}
	words := strings.Fields(strings.ToLower(p.Text))
	for k := len(words) - 1; k >= 0; k-- {
		if i := d.Shapes.Index(strings.Trim(words[k], ".,;:!?\"'")); i >= 0 {
			return i
		}
	}
	return -1
}

// Detect implements segment.Detector (see ShapeDetector).
func (d *ShapeDetector) Detect(ctx context.Context, frames *tensor.Dense, phrases []segment.Phrase) ([][][]segment.Proposal, error) {
	if d.Base == nil || d.Shapes == nil {
		return nil, fmt.Errorf("learneddet: shape detector without a base detector or a classifier")
	}
	props, err := d.Base.Detect(ctx, frames, phrases)
	if err != nil {
		return nil, err
	}
	_, h, w, data, err := checkFrames(frames)
	if err != nil {
		return nil, err
	}
	type part struct {
		i, t  int
		mask  segment.Mask
		box   segment.Box
		score float64
	}
	var parts []part
	var inputs []float32
	out := make([][][]segment.Proposal, len(props))
	shape := make([]int, len(props)) // the class each phrase names, or -1
	for i, pp := range props {
		out[i] = make([][]segment.Proposal, len(pp))
		shape[i] = -1
		if i < len(phrases) {
			shape[i] = d.shapeOf(phrases[i])
		}
		if shape[i] < 0 {
			copy(out[i], pp)
			continue
		}
		for t, ps := range pp {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("learneddet: shapes at frame %d: %w", t, err)
			}
			frame := data[t*h*w*3 : (t+1)*h*w*3]
			for _, p := range ps {
				comps := Components(p.Mask)
				for k, c := range comps {
					if k > 0 && c.Area() < d.MinArea {
						break
					}
					box, _ := c.Box()
					inputs = append(inputs, make([]float32, ShapeInputDim)...)
					ShapeInput(inputs[len(inputs)-ShapeInputDim:], frame, w, h, box, MedianColour(frame, c))
					parts = append(parts, part{i: i, t: t, mask: c, box: box, score: p.Score})
				}
			}
		}
	}
	if len(parts) == 0 {
		return out, nil
	}
	prob, err := d.Shapes.Probabilities(inputs)
	if err != nil {
		return nil, err
	}
	n := len(d.Shapes.Config.Shapes)
	for k, p := range parts {
		q := float64(prob[k*n+shape[p.i]])
		out[p.i][p.t] = append(out[p.i][p.t], segment.Proposal{Mask: p.mask, Box: p.box, Score: p.score * q})
	}
	return out, nil
}

// DefaultMinArea is the MinArea of LoadShapeDetector: parts of a proposal
// smaller than this many pixels are left out.
const DefaultMinArea = 8

// LoadShapeDetector returns the shipped detector (Load) refined by the
// shipped shape classifier (ShippedShapes).
func LoadShapeDetector(ctx context.Context) (*ShapeDetector, error) {
	base, err := Load(ctx)
	if err != nil {
		return nil, err
	}
	shapes, err := ShippedShapes(ctx)
	if err != nil {
		return nil, err
	}
	return &ShapeDetector{Base: base, Shapes: shapes, MinArea: DefaultMinArea}, nil
}
