package diffusion

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestScheduleCoefficients(t *testing.T) {
	tests := []struct {
		s          Schedule
		tau        float64
		alpha, sig float64
	}{
		{Linear, 0, 1, 0},
		{Linear, 0.1, 0.9, 0.1},
		{Linear, 0.75, 0.25, 0.75},
		{Linear, 1, 0, 1},
		{Cosine, 0, 1, 0},
		{Cosine, 0.5, math.Sqrt(0.5), math.Sqrt(0.5)},
		{Cosine, 1.0 / 3, math.Sqrt(3) / 2, 0.5},
		{Cosine, 1, 0, 1},
	}
	opt := cmpopts.EquateApprox(0, 1e-12)
	for _, tc := range tests {
		a, s, err := tc.s.Coefficients(tc.tau)
		if err != nil {
			t.Fatalf("%s(%v): %v", tc.s, tc.tau, err)
		}
		if diff := cmp.Diff([]float64{tc.alpha, tc.sig}, []float64{a, s}, opt); diff != "" {
			t.Errorf("%s(%v) (-want +got):\n%s", tc.s, tc.tau, diff)
		}
	}
	// The cosine schedule preserves variance.
	for tau := 0.0; tau <= 1; tau += 0.01 {
		a, s, _ := Cosine.Coefficients(tau)
		if d := a*a + s*s - 1; math.Abs(d) > 1e-12 {
			t.Errorf("cosine at %v: alpha^2+sigma^2-1 = %v", tau, d)
		}
	}
}

func TestScheduleErrors(t *testing.T) {
	for _, tc := range []struct {
		s   Schedule
		tau float64
	}{{Linear, -0.1}, {Cosine, 1.5}, {Cosine, math.NaN()}, {"quadratic", 0.5}} {
		if _, _, err := tc.s.Coefficients(tc.tau); err == nil {
			t.Errorf("%q at %v: no error", tc.s, tc.tau)
		}
	}
}

func TestSteps(t *testing.T) {
	tests := []struct {
		s          int
		start, end float64
		want       []float64
	}{
		{1, 0.5, 0.1, []float64{0.1}},
		{2, 0.5, 0.1, []float64{0.5, 0.1}},
		{4, 0.4, 0.1, []float64{0.4, 0.3, 0.2, 0.1}},
		{3, 0.1, 0.1, []float64{0.1, 0.1, 0.1}},
	}
	for _, tc := range tests {
		got, err := Steps(tc.s, tc.start, tc.end)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("Steps(%d, %v, %v) (-want +got):\n%s", tc.s, tc.start, tc.end, diff)
		}
	}
	for _, bad := range [][3]float64{{0, 0.5, 0.1}, {4, 1, 0.1}, {4, 0.5, 0}, {4, 0.1, 0.5}, {4, math.NaN(), 0.1}} {
		if _, err := Steps(int(bad[0]), bad[1], bad[2]); err == nil {
			t.Errorf("Steps%v: no error", bad)
		}
	}
}
