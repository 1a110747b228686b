package nn_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Benchmark sizes of the default model: width 256, 4 heads (dh 64), and
// sequences of 128 tokens (a text or LM sequence) or 96 frames x 16 tokens
// (the denoiser's video tokens, attending block-locally: segments of 8
// frames seeing their neighbours).
const (
	benchD      = 256
	benchHeads  = 4
	benchHidden = 4 * benchD
)

type benchSize struct {
	name string
	l    int
	bias func() *tensor.Dense // nil: full attention
}

var benchSizes = []benchSize{
	{"L=128", 128, func() *tensor.Dense { return nn.CausalBias(128) }},
	{"L=96x16", 96 * 16, func() *tensor.Dense {
		blocks := make([]int, 96*16)
		for i := range blocks {
			blocks[i] = i / (8 * 16)
		}
		return nn.BlockLocalBias(blocks, 1)
	}},
}

// benchExecs runs a forward pass on each executor: the graph builds its
// ExprGraph and runs the tape every iteration (the cost a training step
// pays for its forward), the eager executor computes directly.
var benchExecs = []struct {
	name string
	run  func(b *testing.B, f func(e nn.Exec) nn.V)
}{
	{"eager", func(b *testing.B, f func(e nn.Exec) nn.V) {
		for b.Loop() {
			e := nn.NewEager()
			f(e)
			if err := e.Err(); err != nil {
				b.Fatal(err)
			}
		}
	}},
	{"graph", func(b *testing.B, f func(e nn.Exec) nn.V) {
		for b.Loop() {
			g := nn.NewGraph()
			f(g)
			if err := g.Err(); err != nil {
				b.Fatal(err)
			}
			if err := g.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}},
}

func benchInput(l int) *tensor.Dense {
	rng := rand.New(rand.NewPCG(1, 1))
	data := make([]float32, l*benchD)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(l, benchD), tensor.WithBacking(data))
}

func runBench(b *testing.B, f func(x *tensor.Dense, bias *tensor.Dense) func(e nn.Exec) nn.V) {
	for _, s := range benchSizes {
		x, bias := benchInput(s.l), s.bias()
		for _, ex := range benchExecs {
			b.Run(fmt.Sprintf("%s/%s", s.name, ex.name), func(b *testing.B) {
				ex.run(b, f(x, bias))
			})
		}
	}
}

// BenchmarkLinear is one (L, 256) x (256, 256)^T + b projection.
func BenchmarkLinear(b *testing.B) {
	l := nn.NewLinear(rand.New(rand.NewPCG(2, 2)), benchD, benchD, true)
	runBench(b, func(x, _ *tensor.Dense) func(e nn.Exec) nn.V {
		return func(e nn.Exec) nn.V { return l.Forward(e, e.Const(x)) }
	})
}

// BenchmarkAttention is rotary multi-head self-attention with its q/k/v/o
// projections, causal at L=128 and block-local at 96x16 tokens.
func BenchmarkAttention(b *testing.B) {
	a := nn.NewAttention(rand.New(rand.NewPCG(3, 3)), benchD, benchHeads, benchHeads, false, 10000)
	runBench(b, func(x, bias *tensor.Dense) func(e nn.Exec) nn.V {
		return func(e nn.Exec) nn.V { return a.Forward(e, e.Const(x), nil, e.Const(bias)) }
	})
}

// BenchmarkBlock is one pre-norm transformer block (RMSNorm, attention,
// SwiGLU MLP of width 1024).
func BenchmarkBlock(b *testing.B) {
	blk := nn.NewBlock(rand.New(rand.NewPCG(4, 4)), nn.BlockConfig{Dim: benchD, Heads: benchHeads, Hidden: benchHidden, RopeBase: 10000, Eps: 1e-6})
	runBench(b, func(x, bias *tensor.Dense) func(e nn.Exec) nn.V {
		return func(e nn.Exec) nn.V { return blk.Forward(e, e.Const(x), nil, e.Const(bias)) }
	})
}

// BenchmarkAttentionLocal is the block-local attention of BenchmarkAttention
// at 96x16 tokens computed by ForwardLocal (one attention per block of
// 8 frames x 16 tokens against its neighbours), at a cost linear in L.
func BenchmarkAttentionLocal(b *testing.B) {
	a := nn.NewAttention(rand.New(rand.NewPCG(3, 3)), benchD, benchHeads, benchHeads, false, 10000)
	x := benchInput(96 * 16)
	for _, ex := range benchExecs {
		b.Run("L=96x16/"+ex.name, func(b *testing.B) {
			ex.run(b, func(e nn.Exec) nn.V { return a.ForwardLocal(e, e.Const(x), nil, 8*16, 1) })
		})
	}
}
