package nn

import (
	"context"
	"math/rand/v2"
	"testing"
)

// BenchmarkGraphBatchedMatMul runs the attention-score product of
// BenchmarkGraphBlockTrainStep alone: (4,128,64) x (4,128,64)^T ->
// (4,128,128), built and run each iteration.
func BenchmarkGraphBatchedMatMul(b *testing.B) {
	q := benchDense(rand.New(rand.NewPCG(6, 6)), 4, 128, 64)
	k := benchDense(rand.New(rand.NewPCG(7, 7)), 4, 128, 64)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		g := NewGraph()
		g.MatMul(g.Const(q), g.Const(k), false, true)
		if err := g.Run(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
