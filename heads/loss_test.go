package heads_test

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
	"github.com/videodit/videodit/internal/optim"
)

// TestLossGradient compares the graph executor's gradients of the span loss
// (w.r.t. w_s, w_e and the hidden states) with central differences in
// float64 on the reference executor.
func TestLossGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	const l, d = 9, 6
	c, err := heads.NewClassifier(rng, d)
	if err != nil {
		t.Fatal(err)
	}
	h1, h2 := randDense(rng, l, d), randDense(rng, l, d)
	build := func(e nn.Exec) nn.V {
		loss, err := c.Loss(e, []heads.SpanExample{
			{Hidden: e.Param(h1), Frames: []int{2, 3, 4, 6, 7, 8}, Start: 1, End: 4},
			{Hidden: e.Param(h2), Frames: []int{1, 2, 3, 4}, Start: 2, End: 2},
		})
		if err != nil {
			t.Fatal(err)
		}
		return loss
	}
	params := []*tensor.Dense{c.Start.W, c.End.W, h1, h2}
	one := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1}))
	want, err := nntest.NumericGrad(nntest.Case{Name: "span loss", Build: build, Params: params}, one)
	if err != nil {
		t.Fatal(err)
	}
	g := nn.NewGraph()
	loss := build(g)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	names := []string{"w_s", "w_e", "hidden 1", "hidden 2"}
	for i, p := range params {
		grad, err := g.Grad(p)
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
		const tol = 1e-4
		if rel := nntest.RelErr(grad.Float32s(), want[i], 1e-3); rel > tol {
			t.Errorf("%s: gradient relative error %.3g > %g\ngraph   %v\nnumeric %v", names[i], rel, tol, grad.Float32s(), want[i])
		}
	}
	// The loss itself against its closed form.
	ps1, pe1, err := c.Distributions(h1, []int{2, 3, 4, 6, 7, 8})
	if err != nil {
		t.Fatal(err)
	}
	ps2, pe2, err := c.Distributions(h2, []int{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	wantLoss := -(math.Log(ps1[1]) + math.Log(pe1[4]) + math.Log(ps2[2]) + math.Log(pe2[2])) / 2
	if got := float64(g.Value(loss).Float32s()[0]); math.Abs(got-wantLoss) > 1e-5*math.Abs(wantLoss) {
		t.Errorf("loss %g, want %g", got, wantLoss)
	}
}

func TestLossErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	c, err := heads.NewClassifier(rng, 4)
	if err != nil {
		t.Fatal(err)
	}
	e := nn.NewEager()
	h := e.Const(randDense(rng, 5, 4))
	for _, tc := range []struct {
		name  string
		batch []heads.SpanExample
		want  string
	}{
		{"empty batch", nil, "empty batch"},
		{"reversed", []heads.SpanExample{{Hidden: h, Frames: []int{0, 1, 2}, Start: 2, End: 1}}, "example 0: span [2, 1]"},
		{"end past T", []heads.SpanExample{{Hidden: h, Frames: []int{0, 1}, Start: 0, End: 2}}, "outside [0, 2)"},
		{"no frames", []heads.SpanExample{{Hidden: h, Frames: nil}}, "outside [0, 0)"},
		{"nil hidden", []heads.SpanExample{{Frames: []int{0}}}, "nil hidden"},
		{"bad position", []heads.SpanExample{{Hidden: h, Frames: []int{0, 1}}, {Hidden: h, Frames: []int{0, 9}}}, "example 1: heads: frame 1 at position 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Loss(e, tc.batch)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestTrainToy trains w_s and w_e alone with AdamW on a toy problem where
// the hidden state of the true start frame carries a marker on feature 0
// and that of the true end frame on feature 1 (other features are noise),
// and requires Decode to find every example's span afterwards, although a
// fresh classifier does not.
func TestTrainToy(t *testing.T) {
	const (
		n, l, d, ins = 16, 14, 8, 3 // examples, positions, width, text tokens
		steps        = 40
		lr           = 0.1
	)
	rng := rand.New(rand.NewPCG(11, 12))
	c, err := heads.NewClassifier(rng, d)
	if err != nil {
		t.Fatal(err)
	}
	frames := make([]int, l-ins)
	for i := range frames {
		frames[i] = ins + i
	}
	type example struct {
		h    *tensor.Dense
		s, e int
	}
	exs := make([]example, n)
	for i := range exs {
		h := randDense(rng, l, d)
		s := rng.IntN(len(frames))
		e := s + rng.IntN(len(frames)-s)
		data := h.Float32s()
		data[frames[s]*d] += 4
		data[frames[e]*d+1] += 4
		exs[i] = example{h, s, e}
	}
	correct := func() int {
		k := 0
		for _, ex := range exs {
			got, err := heads.Decode(c, ex.h, frames)
			if err != nil {
				t.Fatal(err)
			}
			if got.Start == ex.s && got.End == ex.e {
				k++
			}
		}
		return k
	}
	before := correct()
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8})
	for step := range steps {
		g := nn.NewGraph()
		batch := make([]heads.SpanExample, n)
		for i, ex := range exs {
			batch[i] = heads.SpanExample{Hidden: g.Const(ex.h), Frames: frames, Start: ex.s, End: ex.e}
		}
		loss, err := c.Loss(g, batch)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		gs, err := g.Grad(c.Start.W)
		if err != nil {
			t.Fatal(err)
		}
		ge, err := g.Grad(c.End.W)
		if err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(lr, []optim.Param{
			{Name: "start", Value: c.Start.W.Float32s(), Grad: gs.Float32s()},
			{Name: "end", Value: c.End.W.Float32s(), Grad: ge.Float32s()},
		}); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	after := correct()
	t.Logf("spans decoded exactly: %d/%d before, %d/%d after %d steps", before, n, after, n, steps)
	if before == n {
		t.Fatalf("the untrained classifier already decodes every span: the test cannot fail")
	}
	if after != n {
		t.Errorf("%d/%d spans decoded exactly after training, want all", after, n)
	}
}
