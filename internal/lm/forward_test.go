package lm

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	data := make([]float32, tensor.Shape(shape).TotalSize())
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

func TestForwardArgumentErrors(t *testing.T) {
	c := small(Llama)
	c.MaxPositionEmbeddings = 8
	m, err := New(c, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	tests := []struct {
		name      string
		x         *tensor.Dense
		positions []int
		want      string
	}{
		{"wrong width", randDense(rng, 3, 15), nil, "shape (3, 15), want (L, 16)"},
		{"rank 1", randDense(rng, 16), nil, "shape (16)"},
		{"too few positions", randDense(rng, 3, 16), []int{0, 1}, "2 positions for 3 tokens"},
		{"negative position", randDense(rng, 3, 16), []int{0, -1, 2}, "position -1 (token 1)"},
		{"position past the table", randDense(rng, 3, 16), []int{0, 1, 8}, "position 8 (token 2) outside [0, 8)"},
		{"too many tokens", randDense(rng, 9, 16), nil, "9 tokens exceed max_position_embeddings 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := nn.NewEager()
			_, err := m.Forward(e, e.Const(tt.x), tt.positions)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestForwardBatch checks that a batch (B, L, D) gives each sequence's
// (L, D) result.
func TestForwardBatch(t *testing.T) {
	c := small(Phi3)
	c.SlidingWindow = 3
	m, err := New(c, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	const b, l = 3, 5
	x := randDense(rng, b, l, c.HiddenSize)
	e := nn.NewEager()
	hb, err := m.Forward(e, e.Const(x), nil)
	if err != nil {
		t.Fatal(err)
	}
	batched := e.Dense(hb).Float32s()
	n := l * c.HiddenSize
	for i := range b {
		xi := tensor.New(tensor.WithShape(l, c.HiddenSize), tensor.WithBacking(x.Float32s()[i*n:(i+1)*n]))
		h, err := m.Forward(e, e.Const(xi), nil)
		if err != nil {
			t.Fatal(err)
		}
		one := e.Dense(h).Float32s()
		for j := range one {
			if d := math.Abs(float64(one[j] - batched[i*n+j])); d > 1e-5 {
				t.Fatalf("sequence %d element %d: batched %v, alone %v", i, j, batched[i*n+j], one[j])
			}
		}
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestFrozenGradient checks, under the graph executor with every model
// tensor frozen, that only the input embeddings are trainable and that
// their gradient of sum(w * logits) matches central finite differences of
// the eager forward (float64 accumulation of the loss).
func TestFrozenGradient(t *testing.T) {
	c := small(Llama)
	c.InitializerRange = 0.3 // sharp attention, so positions and mask matter
	m, err := New(c, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 6))
	const l = 4
	x := randDense(rng, l, c.HiddenSize)
	w := randDense(rng, l, c.VocabSize)

	g := nn.NewGraph()
	g.Freeze(m.Params()...)
	h, err := m.Forward(g, g.Param(x), nil)
	if err != nil {
		t.Fatal(err)
	}
	loss := g.Reshape(g.Sum(g.Sum(g.Mul(m.Logits(g, h), g.Const(w)), 1), 0), 1)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ps := g.Params(); len(ps) != 1 || ps[0] != x {
		t.Fatalf("trainable parameters %d, want only the input embeddings", len(ps))
	}
	if _, err := g.Grad(m.Layers[0].Attn.Q.W); err == nil {
		t.Error("a frozen weight has a gradient")
	}
	grad, err := g.Grad(x)
	if err != nil {
		t.Fatal(err)
	}

	lossAt := func() float64 {
		e := nn.NewEager()
		h, err := m.Forward(e, e.Const(x), nil)
		if err != nil {
			t.Fatal(err)
		}
		lg := e.Dense(m.Logits(e, h)).Float32s()
		var s float64
		for i, v := range lg {
			s += float64(v) * float64(w.Float32s()[i])
		}
		return s
	}
	const step, tol = 1e-2, 2e-2
	xs := x.Float32s()
	for _, i := range []int{0, 17, 40, 63} { // tokens 0..3
		orig := xs[i]
		xs[i] = orig + step
		up := lossAt()
		xs[i] = orig - step
		down := lossAt()
		xs[i] = orig
		num := (up - down) / (2 * step)
		got := float64(grad.Float32s()[i])
		if math.Abs(got-num) > tol*math.Max(1, math.Abs(num)) {
			t.Errorf("d loss / d x[%d]: graph %v, finite differences %v", i, got, num)
		}
	}
	// Causality: the first token's gradient must not depend on later
	// tokens, so a weight on token 0's logits only reaches x[0].
	g2 := nn.NewGraph()
	g2.Freeze(m.Params()...)
	h2, err := m.Forward(g2, g2.Param(x), nil)
	if err != nil {
		t.Fatal(err)
	}
	first := g2.Sum(g2.Slice(m.Logits(g2, h2), 0, 0, 1), 1)
	if err := g2.Backward(g2.Reshape(first, 1)); err != nil {
		t.Fatal(err)
	}
	if err := g2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	g2x, err := g2.Grad(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range g2x.Float32s()[c.HiddenSize:] {
		if v != 0 {
			t.Fatalf("token 0's logits have gradient %v on a later token's input (element %d)", v, c.HiddenSize+i)
		}
	}
}
