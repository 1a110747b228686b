package lora

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
)

var ctx = context.Background()

// smallLM returns a small random Llama (D=16, 2 layers, GQA) from seed.
func smallLM(t testing.TB, seed uint64) *lm.Model {
	t.Helper()
	c := lm.Default()
	c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers = 16, 24, 2
	c.NumAttentionHeads, c.NumKeyValueHeads = 4, 2
	c.VocabSize, c.MaxPositionEmbeddings = 11, 64
	c.InitializerRange = 0.3
	m, err := lm.New(c, rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func randDense(rng *rand.Rand, std float64, shape ...int) *tensor.Dense {
	data := make([]float32, tensor.Shape(shape).TotalSize())
	for i := range data {
		data[i] = float32(rng.NormFloat64() * std)
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// logits runs m on x (L, D) with the eager executor.
func logits(t testing.TB, m *lm.Model, x *tensor.Dense) []float32 {
	t.Helper()
	e := nn.NewEager()
	h, err := m.Forward(e, e.Const(x), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := e.Dense(m.Logits(e, h))
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	return slices.Clone(out.Float32s())
}

// randomizeB gives every adapter a non-zero B, as after training.
func randomizeB(s *Set, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	for _, a := range s.Adapters() {
		for i := range a.B.Float32s() {
			a.B.Float32s()[i] = float32(rng.NormFloat64() * 0.05)
		}
	}
}

func maxRelDiff(want, got []float32) float64 {
	var num, den float64
	for i := range want {
		num = math.Max(num, math.Abs(float64(got[i]-want[i])))
		den = math.Max(den, math.Abs(float64(want[i])))
	}
	return num / den
}

func TestAttachTargets(t *testing.T) {
	qv, err := Projections("q", "v")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		targets []string
		want    []string
	}{
		{"paper default: q k v o gate up down", Default().Targets, []string{
			"model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.k_proj", "model.layers.0.self_attn.v_proj", "model.layers.0.self_attn.o_proj",
			"model.layers.0.mlp.gate_proj", "model.layers.0.mlp.up_proj", "model.layers.0.mlp.down_proj",
			"model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.k_proj", "model.layers.1.self_attn.v_proj", "model.layers.1.self_attn.o_proj",
			"model.layers.1.mlp.gate_proj", "model.layers.1.mlp.up_proj", "model.layers.1.mlp.down_proj",
		}},
		{"q and v", qv, []string{
			"model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
			"model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj",
		}},
		{"regexp on one layer and lm_head", []string{`layers\.1\.mlp\.down_proj$`, `^lm_head$`}, []string{
			"model.layers.1.mlp.down_proj", "lm_head",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := smallLM(t, 1)
			s, err := Attach(ctx, m, Config{Rank: 4, Alpha: 8, Targets: tt.targets}, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range s.Adapters() {
				got = append(got, a.Name)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("adapted linears (-want +got):\n%s", diff)
			}
			if len(s.Params()) != 2*len(tt.want) {
				t.Errorf("%d params, want %d", len(s.Params()), 2*len(tt.want))
			}
		})
	}
}

// TestFreshAdapterIsIdentity checks the paper's defaults (r=64, alpha=128):
// A is Kaiming-uniform within ±1/sqrt(in) and not zero, B is zero, and the
// model's logits are bit-for-bit those of the base model.
func TestFreshAdapterIsIdentity(t *testing.T) {
	m := smallLM(t, 2)
	x := randDense(rand.New(rand.NewPCG(3, 3)), 1, 6, 16)
	want := logits(t, m, x)
	s, err := Attach(ctx, m, Default(), rand.New(rand.NewPCG(4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Config().Scale(); got != 2 {
		t.Errorf("alpha/r = %v, want 2", got)
	}
	for _, a := range s.Adapters() {
		in := a.A.Shape()[1]
		bound := 1 / math.Sqrt(float64(in))
		var nonzero bool
		for _, v := range a.A.Float32s() {
			if math.Abs(float64(v)) > bound {
				t.Fatalf("%s: A element %v outside ±%v", a.Name, v, bound)
			}
			nonzero = nonzero || v != 0
		}
		if !nonzero {
			t.Errorf("%s: A is zero", a.Name)
		}
		if diff := cmp.Diff(make([]float32, a.B.Shape().TotalSize()), a.B.Float32s()); diff != "" {
			t.Errorf("%s: B is not zero (-want +got):\n%s", a.Name, diff)
		}
		if diff := cmp.Diff([]int{64, in}, []int(a.A.Shape())); diff != "" {
			t.Errorf("%s: A shape (-want +got):\n%s", a.Name, diff)
		}
	}
	if diff := cmp.Diff(want, logits(t, m, x)); diff != "" {
		t.Errorf("logits with fresh adapters (-base +adapted):\n%s", diff)
	}
}

func TestMergeUnmerge(t *testing.T) {
	const tol = 1e-5
	m := smallLM(t, 5)
	x := randDense(rand.New(rand.NewPCG(6, 6)), 1, 6, 16)
	base := logits(t, m, x)
	w0 := slices.Clone(m.Layers[1].MLP.Down.W.Float32s())
	s, err := Attach(ctx, m, Config{Rank: 8, Alpha: 16, Targets: Default().Targets}, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	randomizeB(s, 8)
	unmerged := logits(t, m, x)
	if d := maxRelDiff(base, unmerged); d < 1e-3 {
		t.Fatalf("trained adapters change the logits by only %.3g: the test would prove nothing", d)
	}
	if err := s.Merge(); err != nil {
		t.Fatal(err)
	}
	if m.Layers[0].Attn.Q.Adapter != nil {
		t.Error("a merged adapter is still in the forward pass")
	}
	if d := maxRelDiff(unmerged, logits(t, m, x)); d > tol {
		t.Errorf("merged logits differ from unmerged by %.3g (relative), want <= %g", d, tol)
	}
	if err := s.Merge(); !errors.Is(err, ErrMerged) {
		t.Errorf("second Merge: error %v, want ErrMerged", err)
	}
	if err := s.Unmerge(); err != nil {
		t.Fatal(err)
	}
	if err := s.Unmerge(); !errors.Is(err, ErrMerged) {
		t.Errorf("second Unmerge: error %v, want ErrMerged", err)
	}
	if d := maxRelDiff(w0, m.Layers[1].MLP.Down.W.Float32s()); d > 1e-6 {
		t.Errorf("unmerged weight differs from W0 by %.3g (relative)", d)
	}
	if d := maxRelDiff(unmerged, logits(t, m, x)); d > tol {
		t.Errorf("logits after Unmerge differ by %.3g (relative)", d)
	}
}

func TestDetach(t *testing.T) {
	m := smallLM(t, 9)
	x := randDense(rand.New(rand.NewPCG(10, 10)), 1, 5, 16)
	base := logits(t, m, x)
	id, err := Identity(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Attach(ctx, m, Config{Rank: 2, Alpha: 4, Targets: Default().Targets}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	randomizeB(s, 2)
	if err := s.Merge(); err != nil {
		t.Fatal(err)
	}
	s.Detach()
	if d := maxRelDiff(base, logits(t, m, x)); d > 1e-5 {
		t.Errorf("logits after Detach differ from the base by %.3g", d)
	}
	if err := s.Merge(); !errors.Is(err, ErrMerged) {
		t.Errorf("Merge after Detach: error %v, want ErrMerged", err)
	}
	// A detached model takes new adapters; its identity is the base's
	// within the rounding of merge and unmerge, so compare a fresh model.
	if _, err := Attach(ctx, m, Config{Rank: 2, Alpha: 4, Targets: Default().Targets}, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Errorf("Attach after Detach: %v", err)
	}
	if id2, _ := Identity(ctx, smallLM(t, 9)); id2 != id {
		t.Errorf("identity of the same model differs: %s, %s", id, id2)
	}
}

// TestTrainingStep trains the adapters of a frozen language model for two
// AdamW steps through the graph executor: only A and B are parameters of
// the graph, every one of them changes, and no base tensor changes.
func TestTrainingStep(t *testing.T) {
	m := smallLM(t, 11)
	s, err := Attach(ctx, m, Config{Rank: 4, Alpha: 8, Targets: Default().Targets}, rand.New(rand.NewPCG(12, 12)))
	if err != nil {
		t.Fatal(err)
	}
	before := map[*tensor.Dense][]float32{}
	for _, p := range append(m.Params(), s.Params()...) {
		before[p] = slices.Clone(p.Float32s())
	}
	rng := rand.New(rand.NewPCG(13, 13))
	x := randDense(rng, 1, 6, 16)
	targets := []int{1, 5, 2, 9, 0, 3}
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01})
	for step := range 2 {
		g := nn.NewGraph()
		g.Freeze(m.Params()...)
		h, err := m.Forward(g, g.Const(x), nil)
		if err != nil {
			t.Fatal(err)
		}
		loss := nn.CrossEntropy(g, m.Logits(g, h), targets)
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := g.Run(ctx); err != nil {
			t.Fatal(err)
		}
		trainable := g.Params()
		if len(trainable) != len(s.Params()) {
			t.Fatalf("step %d: %d trainable tensors, want the %d adapter tensors", step, len(trainable), len(s.Params()))
		}
		for _, p := range s.Params() {
			if !slices.Contains(trainable, p) {
				t.Fatalf("step %d: an adapter tensor is not trainable", step)
			}
		}
		if _, err := g.Grad(m.Layers[0].Attn.Q.W); err == nil {
			t.Fatalf("step %d: a frozen base weight has a gradient", step)
		}
		var ps []optim.Param
		for _, a := range s.Adapters() {
			for name, p := range map[string]*tensor.Dense{a.Name + ".lora_A": a.A, a.Name + ".lora_B": a.B} {
				grad, err := g.Grad(p)
				if err != nil {
					t.Fatal(err)
				}
				ps = append(ps, optim.Param{Name: name, Value: p.Float32s(), Grad: grad.Float32s()})
			}
		}
		if err := opt.Step(1e-2, ps); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range m.Params() {
		if diff := cmp.Diff(before[p], p.Float32s()); diff != "" {
			t.Fatalf("a base tensor of shape %v changed (-before +after):\n%s", p.Shape(), diff)
		}
	}
	for _, a := range s.Adapters() {
		for name, p := range map[string]*tensor.Dense{"A": a.A, "B": a.B} {
			if slices.Equal(before[p], p.Float32s()) {
				t.Errorf("%s: %s did not change", a.Name, name)
			}
		}
	}
}

// oneLinear is the smallest model an adapter can wrap.
type oneLinear struct {
	Proj nn.Linear `st:"proj"`
}

// TestGradientFiniteDifferences checks the graph gradients of A and B of
// loss = sum(w * y), y = proj(x) with a trained adapter, against central
// differences of the eager forward.
func TestGradientFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	m := &oneLinear{Proj: nn.Linear{W: randDense(rng, 0.5, 5, 7), B: randDense(rng, 0.5, 5)}}
	s, err := Attach(ctx, m, Config{Rank: 3, Alpha: 6, Targets: []string{"^proj$"}}, rng)
	if err != nil {
		t.Fatal(err)
	}
	randomizeB(s, 15)
	a := s.Adapters()[0]
	x := randDense(rng, 1, 4, 7)
	w := randDense(rng, 1, 4, 5)

	g := nn.NewGraph()
	g.Freeze(m.Proj.W, m.Proj.B)
	y := m.Proj.Forward(g, g.Const(x))
	if err := g.Backward(g.Reshape(g.Sum(g.Sum(g.Mul(y, g.Const(w)), 1), 0), 1)); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(ctx); err != nil {
		t.Fatal(err)
	}
	lossAt := func() float64 {
		e := nn.NewEager()
		out := e.Dense(m.Proj.Forward(e, e.Const(x))).Float32s()
		var l float64
		for i, v := range out {
			l += float64(v) * float64(w.Float32s()[i])
		}
		return l
	}
	const step, tol = 1e-2, 1e-3
	for name, p := range map[string]*tensor.Dense{"A": a.A, "B": a.B} {
		grad, err := g.Grad(p)
		if err != nil {
			t.Fatal(err)
		}
		data := p.Float32s()
		for i := range data {
			orig := data[i]
			data[i] = orig + step
			up := lossAt()
			data[i] = orig - step
			down := lossAt()
			data[i] = orig
			num := (up - down) / (2 * step)
			if got := float64(grad.Float32s()[i]); math.Abs(got-num) > tol*math.Max(1, math.Abs(num)) {
				t.Errorf("d loss / d %s[%d]: graph %v, finite differences %v", name, i, got, num)
			}
		}
	}
}

func TestAttachErrors(t *testing.T) {
	tests := []struct {
		name    string
		config  Config
		wantErr error
		want    string
	}{
		{"zero rank", Config{Rank: 0, Alpha: 1, Targets: []string{"q_proj"}}, ErrConfig, "rank 0"},
		{"NaN alpha", Config{Rank: 2, Alpha: math.NaN(), Targets: []string{"q_proj"}}, ErrConfig, "alpha NaN"},
		{"no targets", Config{Rank: 2, Alpha: 1}, ErrConfig, "no targets"},
		{"bad pattern", Config{Rank: 2, Alpha: 1, Targets: []string{"q_proj("}}, ErrConfig, `target "q_proj("`},
		{"nothing matches", Config{Rank: 2, Alpha: 1, Targets: []string{"qkv_proj$"}}, ErrTarget, "no linear"},
		{"norms are not linears", Config{Rank: 2, Alpha: 1, Targets: []string{"layernorm"}}, ErrTarget, "no linear"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := smallLM(t, 1)
			_, err := Attach(ctx, m, tt.config, rand.New(rand.NewPCG(1, 1)))
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %v mentioning %q", err, tt.wantErr, tt.want)
			}
			if m.Layers[0].Attn.Q.Adapter != nil {
				t.Error("a failed Attach left an adapter")
			}
		})
	}
	t.Run("twice", func(t *testing.T) {
		m := smallLM(t, 1)
		c := Config{Rank: 2, Alpha: 1, Targets: []string{`q_proj$`}}
		if _, err := Attach(ctx, m, c, rand.New(rand.NewPCG(1, 1))); err != nil {
			t.Fatal(err)
		}
		_, err := Attach(ctx, m, c, rand.New(rand.NewPCG(1, 1)))
		if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), `"model.layers.0.self_attn.q_proj"`) {
			t.Errorf("error %v, want ErrTarget naming the target", err)
		}
	})
	t.Run("unknown projection", func(t *testing.T) {
		if _, err := Projections("q", "qkv"); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), `"qkv"`) {
			t.Errorf("error %v, want ErrConfig naming qkv", err)
		}
	})
}
