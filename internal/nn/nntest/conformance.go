package nntest

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/videodit/videodit/internal/nn"
)

// Reader reads the elements of a value of executor e in row-major order.
// For a lazy executor (the graph) it runs what is needed first. It returns an
// error when the value cannot be computed.
type Reader func(e nn.Exec, v nn.V) ([]float32, error)

// composed hides an executor's fused abilities (nn.Softmaxer, ...), so the
// layers run their composed forms on it.
type composed struct{ nn.Exec }

// hasAbility reports whether e implements any fused ability of package nn.
func hasAbility(e nn.Exec) bool {
	switch e.(type) {
	case nn.Softmaxer, nn.LayerNormer, nn.RMSNormer, nn.Activator, nn.Attender:
		return true
	}
	return false
}

// RunConformance runs every case of Cases on fresh executors from newExec
// and compares each result, read by read, with the float64 Reference's
// within the case's tolerance (RelErr, norm-wise relative). When the
// executor has fused abilities each case also runs through a wrapper that
// hides them, and both paths must match the reference. It then runs
// RunErrors. name labels the subtests.
func RunConformance(t *testing.T, name string, newExec func() nn.Exec, read Reader) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		for _, c := range Cases() {
			t.Run(c.Name, func(t *testing.T) {
				if err := checkCase(c, newExec, read); err != nil {
					t.Error(err)
				}
			})
		}
		RunErrors(t, newExec)
	})
}

// checkCase runs c on newExec (both paths when it has fused abilities) and
// returns the first disagreement with the Reference.
func checkCase(c Case, newExec func() nn.Exec, read Reader) error {
	want, wantShape, err := referenceOf(c)
	if err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	e := newExec()
	execs := []nn.Exec{e}
	if hasAbility(e) {
		execs = append(execs, composed{newExec()})
	}
	var outs [][]float32
	for _, ex := range execs {
		label, inner := "", ex
		if w, ok := ex.(composed); ok {
			label, inner = "composed: ", w.Exec
		}
		out := c.Build(ex)
		if err := ex.Err(); err != nil {
			return fmt.Errorf("%sbuild: %w", label, err)
		}
		if !slices.Equal([]int(out.Shape()), wantShape) {
			return fmt.Errorf("%sshape %v, want %v", label, out.Shape(), wantShape)
		}
		got, err := read(inner, out)
		if err != nil {
			return fmt.Errorf("%sread: %w", label, err)
		}
		if re := RelErr(got, want, 1e-30); !(re <= c.Tol) {
			return fmt.Errorf("%srelative error %.3g > tolerance %.3g\n%s", label, re, c.Tol, diffSummary(got, want))
		}
		outs = append(outs, got)
	}
	if len(outs) == 2 {
		// Fused against composed, directly: both are within Tol of the
		// reference, so within 2*Tol of each other.
		composedOut := make([]float64, len(outs[1]))
		for i, x := range outs[1] {
			composedOut[i] = float64(x)
		}
		if re := RelErr(outs[0], composedOut, 1e-30); !(re <= 2*c.Tol) {
			return fmt.Errorf("fused and composed paths differ: relative error %.3g > %.3g", re, 2*c.Tol)
		}
	}
	return nil
}

// referenceOf computes a case on the Reference executor.
func referenceOf(c Case) ([]float64, []int, error) {
	r := NewReference()
	out := c.Build(r)
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	return r.Float64s(out), slices.Clone([]int(out.Shape())), nil
}

// diffSummary describes the worst elements of got against want.
func diffSummary(got []float32, want []float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf("got %d elements, want %d", len(got), len(want))
	}
	worst, wi := -1.0, 0
	for i := range got {
		d := math.Abs(float64(got[i]) - want[i])
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		if d > worst {
			worst, wi = d, i
		}
	}
	return fmt.Sprintf("worst element %d: got %v, want %v (|diff| %.3g)", wi, got[wi], want[wi], worst)
}
