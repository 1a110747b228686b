package nn

import (
	"math"
	"testing"
)

func TestGFastExpTanh(t *testing.T) {
	tests := []struct {
		name   string
		f, ref func(float64) float64
		lo, hi float64
		relTol float64
	}{
		{"exp", gFastExp, math.Exp, -745, 709.78, 1e-8},
		{"exp/small", gFastExp, math.Exp, -1, 1, 1e-8},
		{"tanh", gFastTanh, math.Tanh, -30, 30, 1e-8},
		{"tanh/small", gFastTanh, math.Tanh, -0.2, 0.2, 1e-8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 200001
			worst := 0.0
			for i := range n {
				x := tt.lo + (tt.hi-tt.lo)*float64(i)/(n-1)
				got, want := tt.f(x), tt.ref(x)
				if want == 0 || math.IsInf(want, 0) {
					if got != want {
						t.Fatalf("f(%v) = %v, want %v", x, got, want)
					}
					continue
				}
				if e := math.Abs(got-want) / math.Abs(want); e > worst {
					worst = e
				}
			}
			if worst > tt.relTol {
				t.Errorf("worst relative error %.3g > %.3g", worst, tt.relTol)
			}
		})
	}
	specials := []struct{ x, want float64 }{
		{math.Inf(1), math.Inf(1)}, {math.Inf(-1), 0}, {800, math.Inf(1)}, {-800, 0}, {0, 1},
	}
	for _, s := range specials {
		if got := gFastExp(s.x); got != s.want {
			t.Errorf("gFastExp(%v) = %v, want %v", s.x, got, s.want)
		}
	}
	if got := gFastExp(math.NaN()); !math.IsNaN(got) {
		t.Errorf("gFastExp(NaN) = %v", got)
	}
	if got := gFastTanh(math.Inf(-1)); got != -1 {
		t.Errorf("gFastTanh(-Inf) = %v", got)
	}
}

func BenchmarkGFastExp(b *testing.B) {
	for _, f := range []struct {
		name string
		f    func(float64) float64
	}{{"gFastExp", gFastExp}, {"math.Exp", math.Exp}} {
		b.Run(f.name, func(b *testing.B) {
			xs := make([]float64, 1024)
			for i := range xs {
				xs[i] = float64(i)*0.02 - 10
			}
			out := make([]float64, len(xs))
			for b.Loop() {
				for i, x := range xs {
					out[i] = f.f(x)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/elem")
		})
	}
}
