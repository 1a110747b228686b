package nn

import (
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// Linear is an affine map y = x W^T + b (Hugging Face / PyTorch layout).
type Linear struct {
	// W has shape (out, in).
	W *tensor.Dense `st:"weight"`
	// B has shape (out); nil for a linear map without bias.
	B *tensor.Dense `st:"bias,optional"`
	// Adapter, when not nil, adds its Delta to the output (a low-rank
	// adapter, package lora). It holds no tensors of the base checkpoint.
	Adapter Adapter `st:"-"`
}

// Adapter is a learned term added to a Linear's output: Delta maps x of
// shape (N, in) to (N, out).
type Adapter interface {
	Delta(e Exec, x V) V
}

// NewLinear returns a Linear from in to out features initialised like
// PyTorch's nn.Linear: W and B uniform in ±1/sqrt(in), drawn from rng.
func NewLinear(rng *rand.Rand, in, out int, bias bool) *Linear {
	l := &Linear{W: uniformDense(rng, invSqrt(in), out, in)}
	if bias {
		l.B = uniformDense(rng, invSqrt(in), out)
	}
	return l
}

// Forward maps x of shape (..., in) (any number of leading axes, row-major)
// to (..., out), adding Adapter's Delta when there is one.
func (l *Linear) Forward(e Exec, x V) V {
	w := e.Param(l.W)
	out := w.Shape()[0]
	xs := x.Shape()
	in := lastDim(x)
	lead := []int(xs)
	if len(lead) > 0 {
		lead = lead[:len(lead)-1]
	}
	x2 := x
	if len(xs) != 2 {
		x2 = e.Reshape(x, prod(lead), in)
	}
	y := e.MatMul(x2, w, false, true)
	if l.B != nil {
		y = e.Add(y, e.Param(l.B))
	}
	if l.Adapter != nil {
		y = e.Add(y, l.Adapter.Delta(e, x2))
	}
	if len(xs) != 2 {
		shape := append(append(make([]int, 0, len(xs)), lead...), out)
		y = e.Reshape(y, shape...)
	}
	return y
}

// Embedding is a lookup table of token vectors.
type Embedding struct {
	// W has shape (vocab, D).
	W *tensor.Dense `st:"weight"`
}

// NewEmbedding returns a (vocab, d) table drawn from N(0, 1) by rng, as
// PyTorch's nn.Embedding.
func NewEmbedding(rng *rand.Rand, vocab, d int) *Embedding {
	return &Embedding{W: normalDense(rng, 1, vocab, d)}
}

// Forward returns the rows of ids, shape (len(ids), D). An id outside
// [0, vocab) is a recorded error.
func (m *Embedding) Forward(e Exec, ids []int) V {
	return e.Gather(e.Param(m.W), ids)
}
