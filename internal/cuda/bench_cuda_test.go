//go:build videodit_cuda

package cuda

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gorgonia.org/cu"
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

// measurePeak returns the dense TFLOP/s of the device in float32 FMA
// (vd_peak_fma) or TF32 tensor-core products (vd_peak_tf32), from 8 blocks
// of 256 threads per multiprocessor, best of 5 launches.
func measurePeak(tb testing.TB, d *Device, tf32 bool) float64 {
	tb.Helper()
	sms, err := d.dev.Attribute(cu.MultiprocessorCount)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := NewExec(d)
	if err != nil {
		tb.Fatal(err)
	}
	defer e.Release()
	out := e.alloc("peak", tensor.Shape{1})
	if out == nil {
		tb.Fatal(e.Err())
	}
	const threads, iters = 256, 1 << 14
	blocks := 8 * sms
	g := geom{grid: [3]int{blocks, 1, 1}, block: [3]int{threads, 1, 1}}
	run := func() {
		if tf32 {
			e.launch("peak", kPeakTF32, g, out.ptr, int32(iters))
		} else {
			e.launch("peak", kPeakFMA, g, out.ptr, int32(iters), float32(0.999), float32(1e-3))
		}
		if _, err := e.Read(out); err != nil {
			tb.Fatal(err)
		}
	}
	flops := 16 * float64(iters) * threads * float64(blocks)
	if tf32 {
		flops = 4 * 2 * 16 * 16 * 8 * float64(iters) * float64(blocks*threads/32)
	}
	run() // JIT and clocks up
	best := 0.0
	for range 5 {
		start := time.Now()
		run()
		best = max(best, flops/time.Since(start).Seconds()/1e12)
	}
	return best
}

// BenchmarkPeak reports the measured dense peak (TFLOP/s) in float32 and
// TF32, the denominators of BenchmarkGEMM's %peak.
func BenchmarkPeak(b *testing.B) {
	d := openOrSkip(b)
	for _, tf32 := range []bool{false, true} {
		b.Run(fmt.Sprintf("tf32=%v", tf32), func(b *testing.B) {
			var p float64
			for range b.N {
				p = measurePeak(b, d, tf32)
			}
			b.ReportMetric(p, "TFLOP/s")
		})
	}
}

// BenchmarkGEMM times MatMul on the device at transformer shapes, in
// float32 and TF32, reporting TFLOP/s (2*B*M*N*K per product) and the
// percentage of the peak of the same precision measured on the same card
// first (measurePeak). Each iteration enqueues the product; the timer
// covers a final Read.
func BenchmarkGEMM(b *testing.B) {
	d := openOrSkip(b)
	peak := map[bool]float64{false: measurePeak(b, d, false), true: measurePeak(b, d, true)}
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
				tflops := flops * float64(b.N) / b.Elapsed().Seconds() / 1e12
				b.ReportMetric(tflops, "TFLOP/s")
				b.ReportMetric(100*tflops/peak[tf32], "%peak")
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
