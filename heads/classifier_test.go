package heads_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/heads"
)

func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// closedForm computes Eq. 15 in float64: softmax over the frames of w . h_t.
func closedForm(w []float32, h []float32, d int, frames []int) []float64 {
	logits := make([]float64, len(frames))
	m := math.Inf(-1)
	for i, p := range frames {
		for j := range d {
			logits[i] += float64(w[j]) * float64(h[p*d+j])
		}
		m = math.Max(m, logits[i])
	}
	var z float64
	for i := range logits {
		logits[i] = math.Exp(logits[i] - m)
		z += logits[i]
	}
	for i := range logits {
		logits[i] /= z
	}
	return logits
}

func TestClassifierDistributions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		l, d   int
		frames []int
	}{
		{"one frame", 3, 4, []int{2}},
		{"all positions", 5, 8, []int{0, 1, 2, 3, 4}},
		{"frames after text", 20, 16, []int{5, 6, 8, 9, 11, 12, 19}},
		{"repeated position", 4, 2, []int{1, 1, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, uint64(tc.l)))
			c, err := heads.NewClassifier(rng, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			h := randDense(rng, tc.l, tc.d)
			ps, pe, err := c.Distributions(h, tc.frames)
			if err != nil {
				t.Fatal(err)
			}
			wantS := closedForm(c.Start.W.Float32s(), h.Float32s(), tc.d, tc.frames)
			wantE := closedForm(c.End.W.Float32s(), h.Float32s(), tc.d, tc.frames)
			tol := cmpopts.EquateApprox(0, 1e-5)
			if diff := cmp.Diff(wantS, ps, tol); diff != "" {
				t.Errorf("p_s (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantE, pe, tol); diff != "" {
				t.Errorf("p_e (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClassifierErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	c, err := heads.NewClassifier(rng, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		hidden *tensor.Dense
		frames []int
		want   string
	}{
		{"no frames", randDense(rng, 3, 4), nil, "T = 0"},
		{"position past the end", randDense(rng, 3, 4), []int{0, 3}, "frame 1 at position 3, outside the 3 hidden states"},
		{"negative position", randDense(rng, 3, 4), []int{-1}, "position -1"},
		{"width", randDense(rng, 3, 5), []int{0}, "width 5, the classifier has width 4"},
		{"rank", randDense(rng, 2, 3, 4), []int{0}, "want (L, d=4)"},
		{"nil", nil, []int{0}, "nil hidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := c.Distributions(tc.hidden, tc.frames)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := heads.NewClassifier(rng, 0); err == nil {
		t.Errorf("NewClassifier(0) returned no error")
	}
}

// TestDecode checks Decode on a classifier whose weights pick one feature
// each: the start is the frame with the largest feature 0, the end the
// frame with the largest feature 1.
func TestDecode(t *testing.T) {
	c, err := heads.NewClassifier(rand.New(rand.NewPCG(1, 1)), 2)
	if err != nil {
		t.Fatal(err)
	}
	copy(c.Start.W.Float32s(), []float32{10, 0})
	copy(c.End.W.Float32s(), []float32{0, 10})
	// Positions 0-1 are text, 2-6 the five frames.
	h := tensor.New(tensor.WithShape(7, 2), tensor.WithBacking([]float32{
		9, 9, 9, 9, // text: never read
		0, 0, 1, 0, 0, 0, 0, 1, 0, 0,
	}))
	got, err := heads.Decode(c, h, []int{2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	want := heads.FrameSpan{Start: 1, End: 3}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(heads.FrameSpan{}, "Score")); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
	if !(got.Score > 0.99 && got.Score <= 1) {
		t.Errorf("score %g, want in (0.99, 1]", got.Score)
	}
}
