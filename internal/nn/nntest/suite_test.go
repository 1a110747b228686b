package nntest

import (
	"context"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// unnormalisedSoftmax is a faulty executor: its fused Softmax forgets to
// normalise.
type unnormalisedSoftmax struct{ *Reference }

func (u unnormalisedSoftmax) Softmax(a nn.V) nn.V { return u.Exp(a) }

// meanAsMax is a faulty executor whose Max averages.
type meanAsMax struct{ *Reference }

func (m meanAsMax) Max(a nn.V, axis int) nn.V { return m.Mean(a, axis) }

func readRef(e nn.Exec, v nn.V) ([]float32, error) {
	var r *Reference
	switch x := e.(type) {
	case *Reference:
		r = x
	case unnormalisedSoftmax:
		r = x.Reference
	case meanAsMax:
		r = x.Reference
	}
	f := r.Float64s(v)
	out := make([]float32, len(f))
	for i, x := range f {
		out[i] = float32(x)
	}
	return out, nil
}

func findCase(t *testing.T, name string) Case {
	t.Helper()
	for _, c := range Cases() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no case %q", name)
	return Case{}
}

// TestSuiteCatchesFaults checks that the suite fails faulty executors, on
// the fused path and on a primitive, and passes the sound reference.
func TestSuiteCatchesFaults(t *testing.T) {
	tests := []struct {
		name    string
		exec    func() nn.Exec
		c       string
		wantErr bool
	}{
		{"sound", func() nn.Exec { return NewReference() }, "Softmax/last", false},
		{"fused softmax wrong", func() nn.Exec { return unnormalisedSoftmax{NewReference()} }, "Softmax/last", true},
		{"fused softmax unused on axis 0", func() nn.Exec { return unnormalisedSoftmax{NewReference()} }, "Softmax/axis0", false},
		{"fused softmax inside attention", func() nn.Exec { return unnormalisedSoftmax{NewReference()} }, "Attention/rope-causal", true},
		{"max wrong", func() nn.Exec { return meanAsMax{NewReference()} }, "Max/(3, 4)/axis=1", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkCase(findCase(t, tc.c), tc.exec, readRef)
			if (err != nil) != tc.wantErr {
				t.Errorf("checkCase(%s) = %v, want error %v", tc.c, err, tc.wantErr)
			}
		})
	}
}

// zeroGrads is a faulty Differentiator whose gradients are all zero.
type zeroGrads struct{ *Reference }

func (zeroGrads) Backward(nn.V) error       { return nil }
func (zeroGrads) Run(context.Context) error { return nil }
func (zeroGrads) Grad(p *tensor.Dense) (*tensor.Dense, error) {
	return tensor.New(tensor.WithShape(p.Shape()...), tensor.Of(tensor.Float32)), nil
}

func TestGradientCheckCatchesFaults(t *testing.T) {
	err := checkGradients(findCase(t, "Exp/(7)"), func() Differentiator { return zeroGrads{NewReference()} })
	if err == nil {
		t.Errorf("zero gradients passed the gradient check")
	}
}
