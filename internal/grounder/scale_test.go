package grounder

import (
	"context"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// TestInitTokenScale checks that Init starts the frame tokens at the RMS
// of the language model's token embeddings (within a factor 2).
func TestInitTokenScale(t *testing.T) {
	b := tinyBase(t, 1)
	m, set, err := Init(context.Background(), b, tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Detach()
	rms := func(xs []float32) float64 {
		var s float64
		for _, x := range xs {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s / float64(len(xs)))
	}
	want := rms(b.LM.Embed.W.Float32s())
	s := synthSample(t, b.Tok, 7, "the red ball", 1, 2, false, -1)
	e := nn.NewEager()
	in := s.Input(m.Config)
	proj := m.Projection()
	z := proj.Forward(e, e.Const(in.Pooled))
	et, err := m.Time.Forward(e, s.T())
	if err != nil {
		t.Fatal(err)
	}
	text := e.Const(tensor.New(tensor.WithShape(1, len(in.Text)), tensor.WithBacking(in.Text)))
	tok, err := m.Fuser.Forward(e, z, text, et)
	if err != nil {
		t.Fatal(err)
	}
	got := rms(e.Dense(tok).Float32s())
	// The estimate is noisy at the tiny config's widths; PyTorch's
	// initialisation would be about 3 times too large here.
	if r := got / want; r < 0.5 || r > 2 {
		t.Errorf("frame token RMS %.4f, embedding RMS %.4f: want within a factor 2", got, want)
	}
}
