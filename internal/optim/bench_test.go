package optim

import "testing"

// BenchmarkAdamWStep updates 1M parameters in one Param.
func BenchmarkAdamWStep(b *testing.B) {
	n := 1 << 20
	p := Param{Name: "w", Value: make([]float32, n), Grad: make([]float32, n)}
	for i := range p.Grad {
		p.Grad[i] = float32(i%100-50) / 100
	}
	opt := NewAdamW(DefaultAdamW())
	b.SetBytes(int64(4 * n))
	for b.Loop() {
		if err := opt.Step(1e-4, []Param{p}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClipGlobalNorm(b *testing.B) {
	n := 1 << 20
	p := []Param{{Name: "w", Grad: make([]float32, n)}}
	for i := range p[0].Grad {
		p[0].Grad[i] = float32(i%100-50) / 100
	}
	b.SetBytes(int64(4 * n))
	for b.Loop() {
		ClipGlobalNorm(p, 1e9)
	}
}
