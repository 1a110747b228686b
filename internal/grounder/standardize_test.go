package grounder

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// TestStandardize checks Mean and Std against a hand computation over
// two samples, the floor on a constant column, and that Projection (g_phi
// with the standardisation folded in) maps raw features to what Forward's
// g_phi reads.
func TestStandardize(t *testing.T) {
	b := tinyBase(t, 1)
	c := tinyConfig()
	m, set := tinyModel(t, c, b, 3)
	defer set.Detach()
	samples := []*Sample{
		synthSample(t, b.Tok, 7, "the red ball", 1, 2, false, -1),
		synthSample(t, b.Tok, 8, "the blue box", 2, 4, false, -1),
	}
	P := c.PooledDim
	for _, s := range samples {
		for tt := range s.T() {
			s.Pooled[tt*P+P-1] = 0.5 // a constant column
		}
	}
	if err := m.Standardize(samples); err != nil {
		t.Fatal(err)
	}
	wantMean, wantStd := make([]float64, P), make([]float64, P)
	n := 0.0
	for _, s := range samples {
		for i, v := range s.Pooled {
			wantMean[i%P] += float64(v)
		}
		n += float64(s.T())
	}
	for i := range wantMean {
		wantMean[i] /= n
	}
	for _, s := range samples {
		for i, v := range s.Pooled {
			d := float64(v) - wantMean[i%P]
			wantStd[i%P] += d * d / n
		}
	}
	for i := range wantStd {
		wantStd[i] = math.Max(minStd, math.Sqrt(wantStd[i]))
	}
	approx := cmpopts.EquateApprox(1e-5, 1e-6)
	if diff := cmp.Diff(wantMean, float64s(m.Mean.Float32s()), approx); diff != "" {
		t.Errorf("Mean (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantStd, float64s(m.Std.Float32s()), approx); diff != "" {
		t.Errorf("Std (-want +got):\n%s", diff)
	}
	if got := m.Std.Float32s()[P-1]; got != minStd {
		t.Errorf("Std of a constant column %g, want the floor %g", got, minStd)
	}

	s := samples[1]
	raw := s.Input(c).Pooled
	e := nn.NewEager()
	proj := m.Projection()
	got := e.Dense(proj.Forward(e, e.Const(raw))).Float32s()
	want := e.Dense(m.Proj.Forward(e, e.Const(m.standardized(raw)))).Float32s()
	if diff := cmp.Diff(float64s(want), float64s(got), cmpopts.EquateApprox(1e-4, 1e-4)); diff != "" {
		t.Errorf("Projection on raw features vs g_phi on standardised ones (-want +got):\n%s", diff)
	}
	// Without statistics g_phi reads the raw features.
	m.Mean, m.Std = nil, nil
	if diff := cmp.Diff(m.Proj.W.Float32s(), m.Projection().W.Float32s()); diff != "" {
		t.Errorf("Projection without statistics (-want +got):\n%s", diff)
	}
	if got := m.standardized(raw); got != raw {
		t.Errorf("standardized without statistics copied the features")
	}
	if err := m.Standardize(nil); err == nil {
		t.Errorf("Standardize(nil) returned no error")
	}
}

// TestCheckStats checks the statistics Load accepts.
func TestCheckStats(t *testing.T) {
	c := tinyConfig()
	P := c.PooledDim
	vec := func(n int, v float32) *tensor.Dense {
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = v
		}
		return tensor.New(tensor.WithShape(n), tensor.WithBacking(xs))
	}
	for _, tc := range []struct {
		name      string
		mean, std *tensor.Dense
		ok        bool
	}{
		{"none", nil, nil, true},
		{"both", vec(P, 0), vec(P, 1), true},
		{"mean alone", vec(P, 0), nil, false},
		{"std alone", nil, vec(P, 1), false},
		{"short mean", vec(P-1, 0), vec(P, 1), false},
		{"long std", vec(P, 0), vec(P+1, 1), false},
		{"zero std", vec(P, 0), vec(P, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &Model{Config: c, Mean: tc.mean, Std: tc.std}
			if err := m.checkStats(); (err == nil) != tc.ok {
				t.Errorf("checkStats() = %v, want ok %v", err, tc.ok)
			}
		})
	}
}
