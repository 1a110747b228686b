package fusion_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
)

// TestTrainFusionToSpan trains the fuser (Eq. 13) and the span head
// (Eq. 15) together through the mixed-token sequence on the graph
// executor, with no language model in between: clips whose start frame
// carries a marker on feature 0 of z_t and whose end frame one on feature
// 1. It requires the loss to fall at least 5x, gradients to reach the
// fuser, and every training span to decode exactly afterwards.
func TestTrainFusionToSpan(t *testing.T) {
	const (
		n, T, dv, dt, df, dllm = 12, 10, 4, 3, 4, 8
		steps                  = 60
		lr                     = 0.05
	)
	rng := rand.New(rand.NewPCG(31, 32))
	fuser, err := fusion.NewConcatFuser(rng, fusion.FuserConfig{VisualDim: dv, TextDim: dt, TimeDim: df, LLMDim: dllm, Eps: 1e-5})
	if err != nil {
		t.Fatal(err)
	}
	head, err := heads.NewClassifier(rng, dllm)
	if err != nil {
		t.Fatal(err)
	}
	sin, err := fusion.NewSinusoidal(df)
	if err != nil {
		t.Fatal(err)
	}
	eTime, err := sin.Embed(T)
	if err != nil {
		t.Fatal(err)
	}
	lay, err := fusion.NewLayout(2, 0, T, fusion.Budgets{TimeTokens: 4})
	if err != nil {
		t.Fatal(err)
	}
	instr, table, text := randDense(rng, 2, dllm), randDense(rng, 4, dllm), randDense(rng, dt)
	type clip struct {
		z    *tensor.Dense
		s, e int
	}
	clips := make([]clip, n)
	for i := range clips {
		z := randDense(rng, T, dv)
		s := rng.IntN(T)
		e := s + rng.IntN(T-s)
		z.Float32s()[s*dv] += 3
		z.Float32s()[e*dv+1] += 3
		clips[i] = clip{z, s, e}
	}
	sequence := func(e nn.Exec, c clip) nn.V {
		frames, err := fuser.Forward(e, e.Const(c.z), e.Const(text), e.Const(eTime))
		if err != nil {
			t.Fatal(err)
		}
		seq, err := fusion.Assemble(e, lay, fusion.SequenceParts{Instruction: e.Const(instr), TimeTable: e.Const(table), Frames: frames})
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	params := map[string]*tensor.Dense{
		"proj.w": fuser.Proj.W, "proj.b": fuser.Proj.B, "norm.w": fuser.Norm.W, "norm.b": fuser.Norm.B,
		"start": head.Start.W, "end": head.End.W,
	}
	names := []string{"proj.w", "proj.b", "norm.w", "norm.b", "start", "end"}
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8})
	var first, last float32
	for step := range steps {
		g := nn.NewGraph()
		batch := make([]heads.SpanExample, n)
		for i, c := range clips {
			batch[i] = heads.SpanExample{Hidden: sequence(g, c), Frames: lay.Frames, Start: c.s, End: c.e}
		}
		loss, err := head.Loss(g, batch)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		last = g.Value(loss).Float32s()[0]
		if step == 0 {
			first = last
		}
		var ps []optim.Param
		for _, name := range names {
			grad, err := g.Grad(params[name])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if step == 0 && name == "proj.w" {
				var s float64
				for _, x := range grad.Float32s() {
					s += float64(x * x)
				}
				if s == 0 {
					t.Fatalf("no gradient reaches the fusion projection")
				}
			}
			ps = append(ps, optim.Param{Name: name, Value: params[name].Float32s(), Grad: grad.Float32s()})
		}
		if err := opt.Step(lr, ps); err != nil {
			t.Fatal(err)
		}
	}
	correct := 0
	for _, c := range clips {
		e := nn.NewEager()
		seq := sequence(e, c)
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		span, err := heads.Decode(head, e.Dense(seq), lay.Frames)
		if err != nil {
			t.Fatal(err)
		}
		if span.Start == c.s && span.End == c.e {
			correct++
		}
	}
	t.Logf("loss %.4f -> %.4f in %d steps; %d/%d spans exact", first, last, steps, correct, n)
	if !(last*5 <= first) {
		t.Errorf("loss fell from %.4f to %.4f, less than 5x", first, last)
	}
	if correct != n {
		t.Errorf("%d/%d training spans decoded exactly, want all", correct, n)
	}
}
