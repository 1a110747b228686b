package learneddet

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Batch is one training batch: B frames and I (frame, phrase) items with
// their targets.
type Batch struct {
	// Frames is (B, S, S, 3), values in [0,1], row-major.
	Frames []float32
	Items  Items
	// Masks is (I, S*S): item i's true mask, row-major, 0 or 1 (all zero
	// when the phrase matches nothing visible).
	Masks []float32
	// Present[i] is 1 when item i's phrase names something visible, else 0.
	Present []float32
}

// Losses are the terms of Loss, each of shape (1).
type Losses struct {
	// Total = Mask + Dice + Presence.
	Total nn.V
	// Mask is the mean per-pixel binary cross-entropy over every item.
	Mask nn.V
	// Dice is the mean soft Dice loss 1 - (2 sum(p y) + 1) / (sum p +
	// sum y + 1) over the items with a non-empty mask (0 when none).
	Dice nn.V
	// Presence is the mean binary cross-entropy of the presence logits.
	Presence nn.V
}

// bceEps keeps the logarithms of the cross-entropies finite.
const bceEps = 1e-6

// Loss builds the training loss of the batch on e (normally the graph
// executor).
func (m *Model) Loss(e nn.Exec, b Batch) (Losses, error) {
	cfg := m.cfg
	n, ss := len(b.Items.Frame), cfg.Size*cfg.Size
	if len(b.Frames)%(ss*3) != 0 || len(b.Frames) == 0 {
		return Losses{}, fmt.Errorf("learneddet: batch of %d frame values, want a positive multiple of %d", len(b.Frames), ss*3)
	}
	if len(b.Masks) != n*ss || len(b.Present) != n {
		return Losses{}, fmt.Errorf("learneddet: batch of %d items with %d mask values and %d presence labels, want %d and %d", n, len(b.Masks), len(b.Present), n*ss, n)
	}
	nf := len(b.Frames) / (ss * 3)
	frames := tensor.New(tensor.WithShape(nf, cfg.Size, cfg.Size, 3), tensor.WithBacking(b.Frames))
	pixels, err := cfg.ItemPixels(b.Frames, b.Items.Frame)
	if err != nil {
		return Losses{}, err
	}
	out, err := m.Forward(e, e.Const(frames), pixels, b.Items)
	if err != nil {
		return Losses{}, err
	}
	y := make([]float32, n*ss)
	diceW := make([]float32, n)
	ysum := make([]float32, n)
	positives := 0
	for i := range n {
		cfg.PatchMask(y[i*ss:(i+1)*ss], b.Masks[i*ss:(i+1)*ss])
		for _, v := range b.Masks[i*ss : (i+1)*ss] {
			ysum[i] += v
		}
		if ysum[i] > 0 {
			positives++
		}
	}
	for i := range n {
		if ysum[i] > 0 {
			diceW[i] = -1 / float32(positives)
		}
	}
	p := e.Sigmoid(out.Mask)
	yv := e.Const(dense(y, n, ss))
	maskBCE := bce(e, p, yv, n*ss)

	dice := e.Const(dense([]float32{0}, 1))
	if positives > 0 {
		inter := e.Sum(e.Mul(p, yv), 1)
		ratio := e.Div(e.AddScalar(e.Scale(inter, 2), 1),
			e.AddScalar(e.Add(e.Sum(p, 1), e.Const(dense(ysum, n, 1))), 1))
		// 1 - mean ratio over the positive items.
		dice = e.AddScalar(e.Sum(e.Reshape(e.Mul(ratio, e.Const(dense(diceW, n, 1))), n), 0), 1)
	}
	presence := bce(e, e.Sigmoid(out.Presence), e.Const(dense(append([]float32(nil), b.Present...), n, 1)), n)
	total := e.Add(e.Add(maskBCE, dice), presence)
	if err := e.Err(); err != nil {
		return Losses{}, fmt.Errorf("learneddet: loss: %w", err)
	}
	return Losses{Total: total, Mask: maskBCE, Dice: dice, Presence: presence}, nil
}

// bce is the mean binary cross-entropy of probabilities p against targets
// y (same shape, size elements): -mean(y log(p+eps) + (1-y) log(1-p+eps)),
// shape (1).
func bce(e nn.Exec, p, y nn.V, size int) nn.V {
	pos := e.Mul(y, e.Log(e.AddScalar(p, bceEps)))
	neg := e.Mul(e.AddScalar(e.Scale(y, -1), 1), e.Log(e.AddScalar(e.Scale(p, -1), 1+bceEps)))
	return e.Scale(e.Mean(e.Reshape(e.Add(pos, neg), size), 0), -1)
}

// dense wraps data as a float32 tensor of the shape.
func dense(data []float32, shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}
