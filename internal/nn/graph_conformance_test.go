package nn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// readGraph runs the graph executor and returns the elements of v.
func readGraph(e nn.Exec, v nn.V) ([]float32, error) {
	g, ok := e.(*nn.Graph)
	if !ok {
		return nil, errors.New("not a *nn.Graph")
	}
	if err := g.Run(context.Background()); err != nil {
		return nil, err
	}
	d := g.Value(v)
	if d == nil {
		return nil, errors.New("no value after Run")
	}
	return d.Float32s(), nil
}

func TestGraphConformance(t *testing.T) {
	nntest.RunConformance(t, "graph", func() nn.Exec { return nn.NewGraph() }, readGraph)
}

func TestGraphConformanceGradients(t *testing.T) {
	nntest.RunGradients(t, "graph", func() nntest.Differentiator { return nn.NewGraph() })
}
