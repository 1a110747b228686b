package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks of the eager executor at transformer sizes. Inputs are built
// once; each iteration runs one operation (the executor keeps no state
// between operations besides its error), allocating its result.

func BenchmarkEagerMatMul(b *testing.B) {
	sizes := []struct {
		batch, m, k, n int
		transB         bool
	}{
		{0, 128, 256, 256, false},
		{0, 128, 256, 256, true}, // Linear: x W^T
		{0, 512, 512, 512, false},
		{4, 128, 64, 128, true}, // attention scores q k^T
	}
	for _, s := range sizes {
		name := fmt.Sprintf("%dx%dx%d", s.m, s.k, s.n)
		if s.batch > 0 {
			name = fmt.Sprintf("B%d/", s.batch) + name
		}
		if s.transB {
			name += "/transB"
		}
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			aShape, bShape := []int{s.m, s.k}, []int{s.k, s.n}
			if s.transB {
				bShape = []int{s.n, s.k}
			}
			batches := 1
			if s.batch > 0 {
				batches = s.batch
				aShape = append([]int{s.batch}, aShape...)
				bShape = append([]int{s.batch}, bShape...)
			}
			e := NewEager()
			x, y := e.Const(eagerRand(rng, aShape...)), e.Param(eagerRand(rng, bShape...))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e.MatMul(x, y, false, s.transB)
			}
			eagerGFLOPS(b, 2*float64(batches*s.m*s.k*s.n))
		})
	}
}

// eagerGFLOPS reports the rate of flops floating-point operations per
// iteration.
func eagerGFLOPS(b *testing.B, flops float64) {
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkEagerAttention(b *testing.B) {
	for _, s := range []struct{ batch, l, dh int }{{4, 128, 64}, {32, 128, 64}, {8, 512, 64}} {
		b.Run(fmt.Sprintf("B%d/L%d/dh%d", s.batch, s.l, s.dh), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(2, 2))
			e := NewEager()
			q, k, v := e.Const(eagerRand(rng, s.batch, s.l, s.dh)), e.Const(eagerRand(rng, s.batch, s.l, s.dh)), e.Const(eagerRand(rng, s.batch, s.l, s.dh))
			bias := e.Const(eagerRand(rng, s.l, s.l))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				e.Attention(q, k, v, bias, 0.125)
			}
			eagerGFLOPS(b, 4*float64(s.batch*s.l*s.l*s.dh))
		})
	}
}

func BenchmarkEagerSoftmax(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 3))
	e := NewEager()
	x := e.Const(eagerRand(rng, 4*8*128, 128))
	b.ReportAllocs()
	for b.Loop() {
		e.Softmax(x)
	}
}

func BenchmarkEagerLayerNorm(b *testing.B) {
	rng := rand.New(rand.NewPCG(4, 4))
	e := NewEager()
	x, g, beta := e.Const(eagerRand(rng, 512, 256)), e.Param(eagerRand(rng, 256)), e.Param(eagerRand(rng, 256))
	b.ReportAllocs()
	for b.Loop() {
		e.LayerNorm(x, g, beta, 1e-5)
	}
}

func BenchmarkEagerRMSNorm(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	e := NewEager()
	x, g := e.Const(eagerRand(rng, 512, 256)), e.Param(eagerRand(rng, 256))
	b.ReportAllocs()
	for b.Loop() {
		e.RMSNorm(x, g, 1e-5)
	}
}

func BenchmarkEagerActivation(b *testing.B) {
	rng := rand.New(rand.NewPCG(6, 6))
	e := NewEager()
	x := e.Const(eagerRand(rng, 512, 1024))
	for _, c := range []struct {
		name string
		f    func(V) V
	}{{"GELU", e.GELU}, {"SiLU", e.SiLU}, {"Exp", e.Exp}, {"Tanh", e.Tanh}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.f(x)
			}
		})
	}
}

func BenchmarkEagerAddBias(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 7))
	e := NewEager()
	x, bias := e.Const(eagerRand(rng, 512, 1024)), e.Param(eagerRand(rng, 1024))
	b.ReportAllocs()
	for b.Loop() {
		e.Add(x, bias)
	}
}

func BenchmarkEagerTransposeHeads(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 8))
	e := NewEager()
	x := e.Const(eagerRand(rng, 4, 128, 8, 32))
	b.ReportAllocs()
	for b.Loop() {
		e.Transpose(x, 0, 2, 1, 3)
	}
}
