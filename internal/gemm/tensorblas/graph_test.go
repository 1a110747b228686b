package tensorblas

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// blockStep runs one transformer block forward and backward in the graph
// executor on whatever BLAS tensor uses, and returns the output followed by
// every parameter's gradient, flattened.
func blockStep(t *testing.T) [][]float32 {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	blk := nn.NewBlock(rng, nn.BlockConfig{Dim: 48, Heads: 3, Hidden: 96, RopeBase: 10000, Eps: 1e-5})
	x := tensor.New(tensor.WithShape(2, 20, 48), tensor.WithBacking(randoms(rng, 2*20*48)))
	g := nn.NewGraph()
	y := blk.Forward(g, g.Const(x), nil, nil)
	loss := g.Reshape(g.Mean(g.Mean(g.Mean(g.Square(y), 2), 1), 0), 1)
	if err := g.Backward(loss); err != nil {
		t.Fatalf("Backward: %v", err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := [][]float32{append([]float32(nil), g.Value(y).Data().([]float32)...)}
	for _, p := range g.Params() {
		gr, err := g.Grad(p)
		if err != nil {
			t.Fatalf("Grad: %v", err)
		}
		out = append(out, append([]float32(nil), gr.Data().([]float32)...))
	}
	return out
}

// TestGraphBlockMatchesGonum trains one step of a transformer block (batched
// attention, transposed products in the backward pass) with gonum's BLAS and
// with Implementation: outputs and gradients agree within float32 rounding.
func TestGraphBlockMatchesGonum(t *testing.T) {
	prev := tensor.WhichBLAS()
	defer tensor.Use(prev)
	tensor.Use(Implementation{}.Implementation) // plain gonum
	want := blockStep(t)
	Use()
	got := blockStep(t)
	if len(got) != len(want) {
		t.Fatalf("%d tensors with ours, %d with gonum", len(got), len(want))
	}
	for i := range want {
		var scale float64
		for _, v := range want[i] {
			scale = max(scale, math.Abs(float64(v)))
		}
		for j := range want[i] {
			if d := math.Abs(float64(got[i][j] - want[i][j])); d > 1e-4*scale {
				t.Fatalf("tensor %d element %d: ours %g, gonum %g", i, j, got[i][j], want[i][j])
			}
		}
	}
}
