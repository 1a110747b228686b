package nn_test

import (
	"errors"
	"testing"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// readEager returns a copy of the elements of an eager value.
func readEager(e nn.Exec, v nn.V) ([]float32, error) {
	ex, ok := e.(*nn.Eager)
	if !ok {
		return nil, errors.New("not a *nn.Eager")
	}
	d := ex.Dense(v)
	if d == nil {
		return nil, errors.New("no tensor for value")
	}
	return append([]float32(nil), d.Float32s()...), nil
}

func TestEagerConformance(t *testing.T) {
	nntest.RunConformance(t, "eager", func() nn.Exec { return nn.NewEager() }, readEager)
}
