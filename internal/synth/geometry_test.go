package synth

import (
	"math"
	"testing"
)

func TestGeometry(t *testing.T) {
	square := func(cx, cy, h float64) []vec {
		return []vec{{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}}
	}
	tests := []struct {
		name    string
		p, q    []vec
		overlap bool
		gap     float64
	}{
		{"apart", square(0, 0, 1), square(5, 0, 1), false, 3},
		{"diagonal", square(0, 0, 1), square(4, 4, 1), false, 2 * math.Sqrt2},
		{"crossing", square(0, 0, 1), square(1.5, 0.5, 1), true, 0},
		{"inside", square(0, 0, 3), square(0.5, 0, 1), true, 0},
		{"star arm", shapes[6].unit, square(0, -1.2, 0.05), true, 0},
		{"between star arms", shapes[6].unit, square(0.6, -0.75, 0.02), false, -1},
	}
	for _, tc := range tests {
		if got := overlap(tc.p, tc.q); got != tc.overlap {
			t.Errorf("%s: overlap %v, want %v", tc.name, got, tc.overlap)
		}
		if got := gap(tc.p, tc.q); tc.gap >= 0 && math.Abs(got-tc.gap) > 1e-12 {
			t.Errorf("%s: gap %v, want %v", tc.name, got, tc.gap)
		}
	}
	if !contains(square(0, 0, 1), 0.99, -0.99) || contains(square(0, 0, 1), 1.01, 0) {
		t.Errorf("contains wrong at the square's edge")
	}
	for _, s := range shapes {
		if !contains(s.unit, 0, 0) {
			t.Errorf("%s does not contain its centre", s.name)
		}
	}
}
