package fusion_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

func TestTaus(t *testing.T) {
	for _, tc := range []struct {
		T    int
		want []float64
	}{
		{1, []float64{0}},
		{2, []float64{0, 1}},
		{5, []float64{0, 0.25, 0.5, 0.75, 1}},
	} {
		got, err := fusion.Taus(tc.T)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Taus(%d) (-want +got):\n%s", tc.T, diff)
		}
	}
	if _, err := fusion.Taus(0); err == nil || !strings.Contains(err.Error(), "0 frames") {
		t.Errorf("Taus(0) error %v, want one naming 0 frames", err)
	}
}

func float64sOf(d *tensor.Dense) []float64 {
	src := d.Data().([]float32)
	out := make([]float64, len(src))
	for i, x := range src {
		out[i] = float64(x)
	}
	return out
}

// TestSinusoidal checks Eq. 11 against its closed form, written out for
// d_f = 4: omega_0 = 1, omega_1 = 10000^(2/4) = 100.
func TestSinusoidal(t *testing.T) {
	s, err := fusion.NewSinusoidal(4)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Embed(3)
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	for _, tau := range []float64{0, 0.5, 1} {
		want = append(want, math.Sin(tau), math.Cos(tau), math.Sin(tau/100), math.Cos(tau/100))
	}
	if diff := cmp.Diff(want, float64sOf(got), cmpopts.EquateApprox(0, 1e-7)); diff != "" {
		t.Errorf("Embed(3) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(tensor.Shape{3, 4}, got.Shape()); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
	one, err := s.Embed(1)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{0, 1, 0, 1}, float64sOf(one)); diff != "" {
		t.Errorf("Embed(1) (-want +got):\n%s", diff)
	}
	if _, err := s.Embed(0); err == nil {
		t.Errorf("Embed(0) returned no error")
	}
	for _, d := range []int{0, 3, -2} {
		if _, err := fusion.NewSinusoidal(d); err == nil {
			t.Errorf("NewSinusoidal(%d) returned no error", d)
		}
	}
}

// TestLearnedTime checks Eq. 12 against the MLP written out in float64,
// and its gradients against central differences.
func TestLearnedTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	const hidden, d, T = 5, 3, 4
	l, err := fusion.NewLearnedTime(rng, hidden, d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Embed(T)
	if err != nil {
		t.Fatal(err)
	}
	w1, b1, w2, b2 := l.In.W.Float32s(), l.In.B.Float32s(), l.Out.W.Float32s(), l.Out.B.Float32s()
	var want []float64
	for t := range T {
		tau := float64(t) / (T - 1)
		x := []float64{tau, tau * tau}
		h := make([]float64, hidden)
		for j := range hidden {
			a := float64(b1[j]) + float64(w1[2*j])*x[0] + float64(w1[2*j+1])*x[1]
			h[j] = a / (1 + math.Exp(-a)) // SiLU
		}
		for k := range d {
			y := float64(b2[k])
			for j := range hidden {
				y += float64(w2[k*hidden+j]) * h[j]
			}
			want = append(want, y)
		}
	}
	if diff := cmp.Diff(want, float64sOf(got), cmpopts.EquateApprox(1e-6, 1e-6)); diff != "" {
		t.Errorf("Embed(%d) (-want +got):\n%s", T, diff)
	}
	if l.Dim() != d {
		t.Errorf("Dim = %d, want %d", l.Dim(), d)
	}
	if _, err := l.Embed(0); err == nil {
		t.Errorf("Embed(0) returned no error")
	}

	build := func(e nn.Exec) nn.V {
		v, err := l.Forward(e, T)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	params := []*tensor.Dense{l.In.W, l.In.B, l.Out.W, l.Out.B}
	checkGrad(t, build, params, T*d)
}

// checkGrad compares the graph executor's gradients of sum(out * r), r
// fixed, with central differences on the float64 reference executor.
func checkGrad(t *testing.T, build func(nn.Exec) nn.V, params []*tensor.Dense, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(99, uint64(n)))
	r := randDense(rng, n)
	loss := func(e nn.Exec) nn.V {
		out := build(e)
		return e.Sum(e.Mul(e.Reshape(out, n), e.Const(r)), 0)
	}
	one := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1}))
	want, err := nntest.NumericGrad(nntest.Case{Name: t.Name(), Build: loss, Params: params}, one)
	if err != nil {
		t.Fatal(err)
	}
	g := nn.NewGraph()
	l := loss(g)
	if err := g.Backward(l); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i, p := range params {
		grad, err := g.Grad(p)
		if err != nil {
			t.Fatalf("param %d: %v", i, err)
		}
		const tol = 1e-4
		if rel := nntest.RelErr(grad.Float32s(), want[i], 1e-3); rel > tol {
			t.Errorf("param %d %v: gradient relative error %.3g > %g", i, p.Shape(), rel, tol)
		}
	}
}
