package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSgemm times the harness's shapes; b.ReportMetric gives GFLOP/s.
func BenchmarkSgemm(b *testing.B) {
	for _, s := range []struct {
		transB  bool
		m, n, k int
	}{
		{false, 64, 64, 64},
		{false, 128, 128, 64},
		{true, 128, 128, 64},
		{true, 128, 256, 256},
		{true, 128, 1024, 256},
		{true, 128, 256, 1024},
		{false, 512, 512, 512},
		{false, 96, 1024, 4096},
		{false, 1024, 1024, 1024},
	} {
		b.Run(fmt.Sprintf("tB=%v/%dx%dx%d", s.transB, s.m, s.n, s.k), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			ldb := s.n
			if s.transB {
				ldb = s.k
			}
			x := randomMatrix(rng, s.m, s.k, s.k)
			y := randomMatrix(rng, s.k, s.n, s.n)
			z := make([]float32, s.m*s.n)
			for b.Loop() {
				Sgemm(false, s.transB, s.m, s.n, s.k, 1, x, s.k, y, ldb, 0, z, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
