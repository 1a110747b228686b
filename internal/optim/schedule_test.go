package optim

import (
	"math"
	"testing"
)

func TestCosineEdges(t *testing.T) {
	tests := []struct {
		name                string
		step, total, warmup int
		peak, floor, want   float64
	}{
		{"start of warm-up is 0", 0, 100, 5, 1, 0.1, 0},
		{"negative step counts as 0", -3, 100, 5, 1, 0.1, 0},
		{"middle of warm-up", 2, 100, 4, 1, 0.1, 0.5},
		{"end of warm-up is peak", 5, 100, 5, 2, 0.1, 2},
		{"half-way through the decay", 55, 105, 5, 1, 0.2, 0.6},
		{"at total: floor", 100, 100, 5, 1, 0.1, 0.1},
		{"after total: floor", 1000, 100, 5, 1, 0.1, 0.1},
		{"no warm-up starts at peak", 0, 10, 0, 3, 0, 3},
		{"warm-up as long as the run", 9, 10, 10, 1, 0.5, 0.9},
		{"warm-up longer than the run", 15, 10, 20, 1, 0.1, 0.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cosine(tt.step, tt.total, tt.warmup, tt.peak, tt.floor)
			if math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("Cosine(%d, %d, %d, %v, %v) = %v, want %v", tt.step, tt.total, tt.warmup, tt.peak, tt.floor, got, tt.want)
			}
		})
	}
}

// TestCosineShape checks, for the paper's 5% warm-up, that the rate rises
// strictly during warm-up and then never rises, staying within [floor, peak].
func TestCosineShape(t *testing.T) {
	const total, peak, floor = 1000, 1e-4, 1e-6
	warmup := int(math.Ceil(PaperWarmupFraction * total))
	prev := -1.0
	for s := 0; s <= total; s++ {
		lr := Cosine(s, total, warmup, peak, floor)
		switch {
		case s <= warmup && !(lr > prev):
			t.Fatalf("step %d: rate %v did not rise from %v during warm-up", s, lr, prev)
		case s > warmup && lr > prev:
			t.Fatalf("step %d: rate %v rose from %v after warm-up", s, lr, prev)
		case s > 0 && (lr < floor || lr > peak):
			t.Fatalf("step %d: rate %v outside [%v, %v]", s, lr, floor, peak)
		}
		prev = lr
	}
}
