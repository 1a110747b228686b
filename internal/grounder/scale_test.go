package grounder

import (
	"context"
	"fmt"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// TestInitTokenScale checks Init's frame-token scale for the default and
// two explicit Config.TokenScale values.
func TestInitTokenScale(t *testing.T) {
	for _, scale := range []float64{0, 1, 5} {
		t.Run(fmt.Sprint(scale), func(t *testing.T) { checkTokenScale(t, scale) })
	}
}

// checkTokenScale checks that Init with Config.TokenScale scale starts the
// frame tokens at scale (0: 1) times the RMS of the language model's token
// embeddings, within a factor 2.
func checkTokenScale(t *testing.T, scale float64) {
	b := tinyBase(t, 1)
	c := tinyConfig()
	c.TokenScale = scale
	m, set, err := Init(context.Background(), b, c, 3)
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
	want := max(1, scale) * rms(b.LM.Embed.W.Float32s())
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
