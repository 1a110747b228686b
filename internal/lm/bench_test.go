package lm

import (
	"math/rand/v2"
	"testing"

	"github.com/videodit/videodit/internal/nn"
)

// BenchmarkForward160 runs the default-size model (Default: D=256, 4
// layers, 4 heads, 2 key/value heads, I=688) on a 160-token sequence of
// input embeddings with the eager executor, hidden states and logits.
func BenchmarkForward160(b *testing.B) {
	c := Default()
	m, err := New(c, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	x := randDense(rand.New(rand.NewPCG(3, 4)), 160, c.HiddenSize)
	for b.Loop() {
		e := nn.NewEager()
		h, err := m.Forward(e, e.Const(x), nil)
		if err != nil {
			b.Fatal(err)
		}
		m.Logits(e, h)
		if err := e.Err(); err != nil {
			b.Fatal(err)
		}
	}
}
