package nn

import (
	"context"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

// Benchmarks of the graph executor at training-like sizes: a Linear layer
// y = x W^T + b with x (128,256), W (256,256), and a chain of four (128,256)
// x (256,256) products with tanh between them. "Build" variants build a new
// graph each iteration (one graph per training step); the others build and
// compile once and time Run alone. Products run on the project's GEMM.

func benchDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = rng.Float32()*2 - 1
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

type benchNet struct {
	x  *tensor.Dense
	ws []*tensor.Dense
	b  *tensor.Dense
}

func newBenchNet(layers int) benchNet {
	rng := rand.New(rand.NewPCG(7, 7))
	n := benchNet{x: benchDense(rng, 128, 256), b: benchDense(rng, 256)}
	for range layers {
		n.ws = append(n.ws, benchDense(rng, 256, 256))
	}
	return n
}

// build adds the network and, when backward is set, a mean-square loss and
// its gradients.
func (n benchNet) build(b *testing.B, backward bool) *Graph {
	g := NewGraph()
	h := g.Const(n.x)
	for i, w := range n.ws {
		if i > 0 {
			h = g.Tanh(h)
		}
		h = g.MatMul(h, g.Param(w), false, true)
	}
	h = g.Add(h, g.Param(n.b))
	if backward {
		loss := g.Reshape(g.Mean(g.Mean(g.Square(h), 1), 0), 1)
		if err := g.Backward(loss); err != nil {
			b.Fatal(err)
		}
	}
	if err := g.Err(); err != nil {
		b.Fatal(err)
	}
	return g
}

func benchGraph(b *testing.B, layers int, backward, rebuild bool) {
	n := newBenchNet(layers)
	ctx := context.Background()
	g := n.build(b, backward)
	if err := g.Run(ctx); err != nil {
		b.Fatal(err)
	}
	flops := 2 * 128 * 256 * 256 * layers
	if backward {
		flops *= 3
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rebuild {
			g = n.build(b, backward)
		}
		if err := g.Run(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGraphLinearForward(b *testing.B)         { benchGraph(b, 1, false, false) }
func BenchmarkGraphLinearForwardBackward(b *testing.B) { benchGraph(b, 1, true, false) }
func BenchmarkGraphLinearBuildForwardBackward(b *testing.B) {
	benchGraph(b, 1, true, true)
}
func BenchmarkGraphMatMulChainForward(b *testing.B)         { benchGraph(b, 4, false, false) }
func BenchmarkGraphMatMulChainForwardBackward(b *testing.B) { benchGraph(b, 4, true, false) }
func BenchmarkGraphMatMulChainBuildForwardBackward(b *testing.B) {
	benchGraph(b, 4, true, true)
}

// BenchmarkGraphBlockTrainStep is one training step of a pre-norm
// transformer block (RMSNorm, causal rotary attention with 4 heads, SwiGLU
// MLP of width 1024) at D=256 on a (128,256) sequence: build the graph, a
// mean-square loss, Backward and Run, as a trainer does every step.
func BenchmarkGraphBlockTrainStep(b *testing.B) {
	blk := NewBlock(rand.New(rand.NewPCG(4, 4)), BlockConfig{Dim: 256, Heads: 4, Hidden: 1024, RopeBase: 10000, Eps: 1e-6})
	x := benchDense(rand.New(rand.NewPCG(5, 5)), 128, 256)
	bias := CausalBias(128)
	step := func(b *testing.B) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			g := NewGraph()
			y := blk.Forward(g, g.Const(x), nil, g.Const(bias))
			loss := g.Reshape(g.Mean(g.Mean(g.Square(y), 1), 0), 1)
			if err := g.Backward(loss); err != nil {
				b.Fatal(err)
			}
			if err := g.Run(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	step(b)
}
