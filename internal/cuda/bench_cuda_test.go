//go:build videodit_cuda

package cuda

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	data := make([]float32, tensor.Shape(shape).TotalSize())
	for i := range data {
		data[i] = float32(rng.Float64()*2 - 1)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// BenchmarkGEMM times MatMul on the device at transformer shapes, in
// float32 and TF32, reporting TFLOP/s (2*B*M*N*K per product). Each
// iteration enqueues the product; the timer covers a final Read.
func BenchmarkGEMM(b *testing.B) {
	d := openOrSkip(b)
	for _, s := range []struct{ batch, m, n, k int }{
		{1, 4096, 4096, 4096},
		{96, 1024, 4096, 1024},     // batched: 96 frames of 1024 tokens, K 1024 -> 4096
		{1, 96 * 1024, 4096, 1024}, // the same as one product
	} {
		for _, tf32 := range []bool{false, true} {
			name := fmt.Sprintf("%dx%dx%dx%d/tf32=%v", s.batch, s.m, s.n, s.k, tf32)
			b.Run(name, func(b *testing.B) {
				var opts []Option
				if tf32 {
					opts = append(opts, WithTF32())
				}
				e, err := NewExec(d, opts...)
				if err != nil {
					b.Fatal(err)
				}
				defer e.Release()
				rng := rand.New(rand.NewPCG(1, 2))
				var x, w nn.V
				if s.batch == 1 {
					x, w = e.Const(randDense(rng, s.m, s.k)), e.Const(randDense(rng, s.k, s.n))
				} else {
					x, w = e.Const(randDense(rng, s.batch, s.m, s.k)), e.Const(randDense(rng, s.batch, s.k, s.n))
				}
				out := e.MatMul(x, w, false, false)
				if _, err := e.Read(out); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					out = e.MatMul(x, w, false, false)
				}
				if _, err := e.Read(out); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				flops := 2 * float64(s.batch) * float64(s.m) * float64(s.n) * float64(s.k)
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e12, "TFLOP/s")
				if err := e.Reset(); err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// BenchmarkAttention times the fused attention kernel with a (L,L) bias:
// temporal attention over 96 frames for 64 (batch x head) rows, and longer
// sequences; TFLOP/s counts the two products (4*B*L*L*dh).
func BenchmarkAttention(b *testing.B) {
	d := openOrSkip(b)
	for _, s := range []struct{ batch, l, dh int }{{64, 96, 64}, {8, 1024, 64}, {8, 4096, 64}} {
		b.Run(fmt.Sprintf("B%d_L%d_dh%d", s.batch, s.l, s.dh), func(b *testing.B) {
			e, err := NewExec(d)
			if err != nil {
				b.Fatal(err)
			}
			defer e.Release()
			rng := rand.New(rand.NewPCG(3, 4))
			q := e.Const(randDense(rng, s.batch, s.l, s.dh))
			k := e.Const(randDense(rng, s.batch, s.l, s.dh))
			v := e.Const(randDense(rng, s.batch, s.l, s.dh))
			bias := e.Const(randDense(rng, s.l, s.l))
			out := e.Attention(q, k, v, bias, 0.125)
			if _, err := e.Read(out); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				out = e.Attention(q, k, v, bias, 0.125)
			}
			if _, err := e.Read(out); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			flops := 4 * float64(s.batch) * float64(s.l) * float64(s.l) * float64(s.dh)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e12, "TFLOP/s")
		})
	}
}
