package nntest

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Differentiator is an executor with reverse-mode gradients (the graph
// executor's API in the shared design): Backward declares a scalar loss, Run
// computes values and gradients, Grad returns the gradient of a parameter.
type Differentiator interface {
	nn.Exec
	Backward(loss nn.V) error
	Run(ctx context.Context) error
	Grad(p *tensor.Dense) (*tensor.Dense, error)
}

// freezer is the graph executor's optional Freeze (see RunGradients).
type freezer interface {
	Freeze(ps ...*tensor.Dense)
}

// Gradient check parameters. The numerical gradient is a central difference
// in float64 on the Reference executor (parameters overridden in float64, so
// nothing is rounded to float32): with step gradStep its truncation error is
// O(gradStep^2) ~ 1e-10 and its rounding error ~1e-16/gradStep ~ 1e-11, so
// it is exact for our purpose. The analytic gradient is the executor's,
// computed in float32; gradTol bounds the norm-wise relative error of each
// parameter's gradient (RelErr with floor gradFloor), which float32
// accumulation through a whole block stays well under. A gradient that is
// zero in exact arithmetic (a key bias under softmax) comes out as float32
// noise, so the floor of RelErr is gradFloor times the largest gradient norm
// of the case's parameters.
const (
	gradStep  = 1e-5
	gradTol   = 1e-4
	gradFloor = 1e-2
)

// lossWeights returns the fixed random weights R of the scalar loss
// sum(out * R) whose gradients are compared.
func lossWeights(name string, shape []int) *tensor.Dense {
	g := newGen("loss/" + name)
	return g.uniform(-1, 1, shape...)
}

// weightedSum builds sum(out * R) as a value of shape (1).
func weightedSum(e nn.Exec, out nn.V, r *tensor.Dense) nn.V {
	n := r.Shape().TotalSize()
	return e.Sum(e.Reshape(e.Mul(out, e.Const(r)), n), 0)
}

// NumericGrad returns d/dp of sum(c.Build(reference) * r) for each of the
// case's Params, by central differences in float64 on the Reference.
func NumericGrad(c Case, r *tensor.Dense) ([][]float64, error) {
	rw := r.Data().([]float32)
	eval := func(over map[*tensor.Dense][]float64) (float64, error) {
		ref := &Reference{override: over}
		out := c.Build(ref)
		if err := ref.Err(); err != nil {
			return 0, err
		}
		var s float64
		for i, v := range ref.Float64s(out) {
			s += v * float64(rw[i])
		}
		return s, nil
	}
	base := make(map[*tensor.Dense][]float64, len(c.Params))
	for _, p := range c.Params {
		src := p.Data().([]float32)
		f := make([]float64, len(src))
		for i, x := range src {
			f[i] = float64(x)
		}
		base[p] = f
	}
	grads := make([][]float64, len(c.Params))
	for pi, p := range c.Params {
		orig := base[p]
		grads[pi] = make([]float64, len(orig))
		for i := range orig {
			x := orig[i]
			orig[i] = x + gradStep
			fp, err := eval(base)
			if err != nil {
				return nil, err
			}
			orig[i] = x - gradStep
			fm, err := eval(base)
			if err != nil {
				return nil, err
			}
			orig[i] = x
			grads[pi][i] = (fp - fm) / (2 * gradStep)
		}
	}
	return grads, nil
}

// differentiatorOnly hides the fused abilities of a Differentiator.
type differentiatorOnly struct{ Differentiator }

// RunGradients checks the gradients of every differentiable case of Cases
// (those with Params) on fresh executors from newExec against NumericGrad,
// with the loss sum(out * R) for fixed random R. When the executor has
// fused abilities, it checks the composed path too. It also checks that
// Grad reports an error for an unused parameter and, when the executor can
// Freeze, for a frozen one.
func RunGradients(t *testing.T, name string, newExec func() Differentiator) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		for _, c := range Cases() {
			if len(c.Params) == 0 {
				continue
			}
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				if err := checkGradients(c, newExec); err != nil {
					t.Error(err)
				}
			})
		}
		t.Run("Grad/unused", func(t *testing.T) {
			e := newExec()
			used, unused := ones(2, 2), ones(2, 2)
			if err := gradOf(e, Case{Build: func(e nn.Exec) nn.V { return e.Param(used) }}, ones(2, 2)); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Grad(unused); err == nil {
				t.Errorf("Grad of an unused parameter returned no error")
			}
		})
		t.Run("Grad/frozen", func(t *testing.T) {
			e := newExec()
			f, ok := Differentiator(e).(freezer)
			if !ok {
				t.Skip("executor has no Freeze")
			}
			a, b := ones(2, 2), ones(2, 2)
			f.Freeze(b)
			err := gradOf(e, Case{Build: func(e nn.Exec) nn.V { return e.Mul(e.Param(a), e.Param(b)) }}, ones(2, 2))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Grad(a); err != nil {
				t.Errorf("Grad of a trainable parameter: %v", err)
			}
			if _, err := e.Grad(b); err == nil {
				t.Errorf("Grad of a frozen parameter returned no error")
			}
		})
	})
}

// checkGradients compares the gradients of c's Params on newExec (both
// paths when it has fused abilities) with NumericGrad and returns the first
// disagreement.
func checkGradients(c Case, newExec func() Differentiator) error {
	ref := NewReference()
	out := c.Build(ref)
	if err := ref.Err(); err != nil {
		return fmt.Errorf("reference: %w", err)
	}
	r := lossWeights(c.Name, out.Shape())
	want, err := NumericGrad(c, r)
	if err != nil {
		return fmt.Errorf("numeric gradient: %w", err)
	}
	floor := 0.0
	for _, w := range want {
		floor = max(floor, gradFloor*norm(w))
	}
	execs := []Differentiator{newExec()}
	if hasAbility(execs[0]) {
		execs = append(execs, differentiatorOnly{newExec()})
	}
	for _, e := range execs {
		label := ""
		if _, ok := e.(differentiatorOnly); ok {
			label = "composed: "
		}
		if err := gradOf(e, c, r); err != nil {
			return fmt.Errorf("%s%w", label, err)
		}
		for i, p := range c.Params {
			g, err := e.Grad(p)
			if err != nil {
				return fmt.Errorf("%sGrad(param %d %v): %w", label, i, p.Shape(), err)
			}
			if !slices.Equal([]int(g.Shape()), []int(p.Shape())) {
				return fmt.Errorf("%sgradient of param %d has shape %v, want %v", label, i, g.Shape(), p.Shape())
			}
			got, _ := g.Data().([]float32)
			if re := RelErr(got, want[i], max(floor, 1e-30)); !(re <= gradTol) {
				return fmt.Errorf("%sparam %d %v: gradient relative error %.3g > %.3g\n%s", label, i, p.Shape(), re, gradTol, diffSummary(got, want[i]))
			}
		}
	}
	return nil
}

// gradOf builds c on e with the loss sum(out * r), declares it and runs.
func gradOf(e Differentiator, c Case, r *tensor.Dense) error {
	loss := weightedSum(e, c.Build(e), r)
	if err := e.Err(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	if err := e.Backward(loss); err != nil {
		return fmt.Errorf("Backward: %w", err)
	}
	if err := e.Run(context.Background()); err != nil {
		return fmt.Errorf("Run: %w", err)
	}
	return nil
}

func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}
