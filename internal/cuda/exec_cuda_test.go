//go:build videodit_cuda

package cuda

import (
	"testing"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// TestConformance runs the whole conformance suite of package nn (every
// primitive and layer, fused and composed paths, against the float64
// reference) on the device, with each launch checked for completion so
// that a fault names its kernel.
func TestConformance(t *testing.T) {
	d := openOrSkip(t)
	d.CheckEachLaunch(true)
	var execs []*Exec
	nntest.RunConformance(t, "cuda", func() nn.Exec {
		e, err := NewExec(d)
		if err != nil {
			t.Fatal(err)
		}
		execs = append(execs, e)
		return e
	}, readExec)
	for _, e := range execs {
		if err := e.Release(); err != nil {
			t.Error(err)
		}
	}
	if s := d.PoolStats(); s.Live != 0 {
		t.Errorf("%d bytes live after every Exec was released", s.Live)
	}
}
