package lora

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Adapter is the low-rank update of one linear layer (paper Eq. 14):
// W = W0 + (alpha/r) ΔW with ΔW = B A in the Hugging Face / PEFT layout,
// where W and W0 have shape (out, in), A (lora_A) has shape (r, in) and B
// (lora_B) has shape (out, r). In the paper's orientation (y = x W, W of
// shape (in, out)) this is W = W0 + (alpha/r) A' B' with A' = A^T of shape
// (in, r) and B' = B^T of shape (r, out). A starts Kaiming-uniform (as
// PEFT), B at zero, so a fresh adapter changes nothing.
type Adapter struct {
	// Name is the linear's checkpoint name, for example
	// "model.layers.0.self_attn.q_proj".
	Name string
	// A has shape (r, in); B has shape (out, r). They are the trainable
	// tensors.
	A, B *tensor.Dense

	scale  float32
	linear *nn.Linear
	merged bool
}

var _ nn.Adapter = (*Adapter)(nil)

// Delta returns (alpha/r) (x A^T) B^T for x of shape (N, in): the adapter's
// term of the linear's output, shape (N, out). nn.Linear.Forward calls it.
func (a *Adapter) Delta(e nn.Exec, x nn.V) nn.V {
	low := e.MatMul(x, e.Param(a.A), false, true)
	return e.Scale(e.MatMul(low, e.Param(a.B), false, true), a.scale)
}

// merge adds sign * (alpha/r) B A to the linear's weight in place
// (accumulating in float64) and attaches or detaches the adapter, so that
// the linear computes the same function either way.
func (a *Adapter) merge(sign float64) {
	w := a.linear.W.Float32s()
	av, bv := a.A.Float32s(), a.B.Float32s()
	r := a.A.Shape()[0]
	in := a.A.Shape()[1]
	out := a.B.Shape()[0]
	s := sign * float64(a.scale)
	for o := range out {
		brow := bv[o*r : (o+1)*r]
		for i := range in {
			var d float64
			for k, b := range brow {
				d += float64(b) * float64(av[k*in+i])
			}
			w[o*in+i] = float32(float64(w[o*in+i]) + s*d)
		}
	}
	a.merged = sign > 0
	if a.merged {
		a.linear.Adapter = nil
	} else {
		a.linear.Adapter = a
	}
}

// checkShapes reports whether A and B fit the linear of weight shape
// (out, in) at rank r.
func checkShapes(name string, w tensor.Shape, a, b tensor.Shape, r int) error {
	out, in := w[0], w[1]
	if !a.Eq(tensor.Shape{r, in}) {
		return fmt.Errorf("target %q: %w: lora_A has shape %v, want (%d, %d) (rank, in)", name, ErrFile, a, r, in)
	}
	if !b.Eq(tensor.Shape{out, r}) {
		return fmt.Errorf("target %q: %w: lora_B has shape %v, want (%d, %d) (out, rank)", name, ErrFile, b, out, r)
	}
	return nil
}
