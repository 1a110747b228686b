package lora

import (
	"math/rand/v2"
	"testing"

	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
)

// BenchmarkForward160 runs the default language model (lm.Default) on 160
// tokens with the eager executor: the base alone, with the paper's adapters
// (r=64, alpha=128 on q, k, v, o, gate, up, down) unmerged, and merged.
func BenchmarkForward160(b *testing.B) {
	for _, mode := range []string{"base", "unmerged", "merged"} {
		b.Run(mode, func(b *testing.B) {
			m, err := lm.New(lm.Default(), rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				b.Fatal(err)
			}
			if mode != "base" {
				s, err := Attach(ctx, m, Default(), rand.New(rand.NewPCG(3, 4)))
				if err != nil {
					b.Fatal(err)
				}
				if mode == "merged" {
					if err := s.Merge(); err != nil {
						b.Fatal(err)
					}
				}
			}
			x := randDense(rand.New(rand.NewPCG(5, 6)), 1, 160, lm.Default().HiddenSize)
			for b.Loop() {
				e := nn.NewEager()
				if _, err := m.Forward(e, e.Const(x), nil); err != nil {
					b.Fatal(err)
				}
				if err := e.Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
