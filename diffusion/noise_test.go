package diffusion

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

func TestSegmentLength(t *testing.T) {
	tests := []struct {
		t, k, want int
		segments   []int
	}{
		{96, 12, 8, nil},
		{10, 4, 3, []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 3}}, // last segment shorter
		{9, 4, 3, []int{0, 0, 0, 1, 1, 1, 2, 2, 2}},     // fewer segments than K
		{5, 12, 1, []int{0, 1, 2, 3, 4}},                // K > T: one frame each
	}
	for _, tc := range tests {
		got, err := SegmentLength(tc.t, tc.k)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("SegmentLength(%d, %d) = %d, want %d", tc.t, tc.k, got, tc.want)
		}
		if tc.segments != nil {
			if diff := cmp.Diff(tc.segments, Segments(tc.t, got)); diff != "" {
				t.Errorf("Segments(%d, %d) (-want +got):\n%s", tc.t, got, diff)
			}
		}
	}
	for _, bad := range [][2]int{{0, 4}, {4, 0}, {-1, 1}} {
		if _, err := SegmentLength(bad[0], bad[1]); err == nil {
			t.Errorf("SegmentLength%v: no error", bad)
		}
	}
}

// TestSegmentNoiseIndependent checks that a segment's noise depends only on
// the seed and its index: the first segments of a long clip equal those of
// a short one, and two segments differ.
func TestSegmentNoiseIndependent(t *testing.T) {
	short, err := SegmentNoise(3, 2, 4, 2, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	long, err := SegmentNoise(3, 2, 9, 2, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	n := short.Shape().TotalSize()
	if diff := cmp.Diff(short.Float32s(), long.Float32s()[:n]); diff != "" {
		t.Errorf("first segments depend on T (-short +long):\n%s", diff)
	}
	seg := 2 * 2 * 2 * 3
	if cmp.Equal(long.Float32s()[:seg], long.Float32s()[seg:2*seg]) {
		t.Errorf("segments 0 and 1 have the same noise")
	}
	other, _ := SegmentNoise(4, 2, 4, 2, 2, 3)
	if cmp.Equal(short.Float32s(), other.Float32s()) {
		t.Errorf("seeds 3 and 4 gave the same noise")
	}
	if _, err := SegmentNoise(1, 0, 4, 2, 2, 3); err == nil {
		t.Errorf("segment length 0: no error")
	}
	if _, err := SegmentNoise(1, 2, 4, 2, 3); err == nil {
		t.Errorf("rank-3 shape: no error")
	}
}

// TestAddNoiseStatistics checks Eq. 7: over many draws, x_tau given x_0 has
// mean alpha x_0 and variance sigma^2, per frame level.
func TestAddNoiseStatistics(t *testing.T) {
	const draws = 4000
	x0 := dense([]float32{0.2, 0.9, 0.5, 0.0}, 2, 1, 2, 1)
	taus := []float64{0.1, 0.6}
	for _, s := range []Schedule{Linear, Cosine} {
		var sum, sq [4]float64
		for d := range draws {
			eps, err := SegmentNoise(uint64(d), 1, 2, 1, 2, 1)
			if err != nil {
				t.Fatal(err)
			}
			x, err := AddNoise(s, x0, eps, taus)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range x.Float32s() {
				sum[i] += float64(v)
				sq[i] += float64(v) * float64(v)
			}
		}
		for i := range 4 {
			a, sg, _ := s.Coefficients(taus[i/2])
			mean := sum[i] / draws
			variance := sq[i]/draws - mean*mean
			// Standard errors: sigma/sqrt(n) for the mean, about
			// sigma^2 sqrt(2/n) for the variance; allow 4 of them.
			if d := math.Abs(mean - a*float64(x0.Float32s()[i])); d > 4*sg/math.Sqrt(draws) {
				t.Errorf("%s element %d: mean off by %v", s, i, d)
			}
			if d := math.Abs(variance - sg*sg); d > 4*sg*sg*math.Sqrt(2.0/draws) {
				t.Errorf("%s element %d: variance %v, want %v", s, i, variance, sg*sg)
			}
		}
	}
}

func TestAddNoiseErrors(t *testing.T) {
	x := dense(make([]float32, 4), 2, 1, 2, 1)
	e := dense(make([]float32, 4), 2, 1, 2, 1)
	if _, err := AddNoise(Linear, x, e, []float64{0.1}); err == nil {
		t.Errorf("one tau for two frames: no error")
	}
	if _, err := AddNoise(Linear, x, e, []float64{0.1, 1.1}); err == nil {
		t.Errorf("tau 1.1: no error")
	}
	if _, err := AddNoise(Linear, x, tensor.New(tensor.WithShape(4), tensor.Of(tensor.Float32)), []float64{0.1, 0.1}); err == nil {
		t.Errorf("mismatched noise: no error")
	}
}

func TestSegmentLevels(t *testing.T) {
	got, err := SegmentLevels(1, 3, 0.3, 0, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{0.3, 0.3, 0.3}, got); diff != "" {
		t.Errorf("no jitter (-want +got):\n%s", diff)
	}
	got, _ = SegmentLevels(1, 50, 0.3, 0.1, 0, 1)
	distinct := map[float64]bool{}
	for _, v := range got {
		if v < 0.2 || v > 0.4 {
			t.Errorf("jittered level %v outside [0.2, 0.4]", v)
		}
		distinct[v] = true
	}
	if len(distinct) < 40 {
		t.Errorf("only %d distinct jittered levels of 50", len(distinct))
	}
	for _, tau := range []float64{0, 1, math.NaN()} {
		if _, err := SegmentLevels(1, 2, tau, 0, 0, 1); err == nil {
			t.Errorf("tau %v: no error", tau)
		}
	}
}
