package fusiontest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/fusion/fusiontest"
)

func tinyText(t *testing.T) *fusion.TextTransformer {
	t.Helper()
	corpus := append(fusion.CommonWords(), fusiontest.Texts...)
	vocab, err := fusion.TrainVocab(corpus, fusion.VocabOptions{Size: 600, TimeTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := fusion.NewTokenizer(vocab)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fusion.TextConfig{VocabSize: tok.Size(), Dim: 8, Heads: 2, Layers: 1, Hidden: 16, MaxLen: 32, RopeBase: 10000, Eps: 1e-6}
	m, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(1, 2)), cfg, tok)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTextEncoders(t *testing.T) {
	for name, enc := range map[string]fusion.TextEncoder{
		"TextTransformer": tinyText(t),
		"HashText":        fusiontest.HashText{D: 16},
	} {
		t.Run(name, func(t *testing.T) { fusiontest.TextEncoder(t, enc) })
	}
}

func TestTimeEncoders(t *testing.T) {
	sin, err := fusion.NewSinusoidal(16)
	if err != nil {
		t.Fatal(err)
	}
	learned, err := fusion.NewLearnedTime(rand.New(rand.NewPCG(3, 4)), 8, 6)
	if err != nil {
		t.Fatal(err)
	}
	for name, enc := range map[string]fusion.TimeEncoder{
		"Sinusoidal":  sin,
		"LearnedTime": learned,
		"Ramp":        fusiontest.Ramp{D: 3},
	} {
		t.Run(name, func(t *testing.T) { fusiontest.TimeEncoder(t, enc) })
	}
}

func TestFusers(t *testing.T) {
	f, err := fusion.NewConcatFuser(rand.New(rand.NewPCG(5, 6)), fusion.FuserConfig{VisualDim: 6, TextDim: 4, TimeDim: 2, LLMDim: 10, Eps: 1e-5})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ConcatFuser", func(t *testing.T) { fusiontest.Fuser(t, f, 6, 4, 2) })
	t.Run("PadFuser", func(t *testing.T) { fusiontest.Fuser(t, fusiontest.PadFuser{DV: 6, DT: 4, DF: 2, Out: 9}, 6, 4, 2) })
	cf, err := fusion.NewContextFuser(rand.New(rand.NewPCG(5, 6)), fusion.FuserConfig{VisualDim: 6, TextDim: 4, TimeDim: 2, LLMDim: 10, Eps: 1e-5}, fusion.ContextConfig{Radius: 1, Hidden: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ContextFuser", func(t *testing.T) { fusiontest.ClipFuser(t, cf, 6, 4, 2) })
}

func TestFakes(t *testing.T) {
	ctx := context.Background()
	h := fusiontest.HashText{D: 8}
	a, err := h.Encode(ctx, "Red circle enters")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Encode(ctx, "enters  red CIRCLE")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("HashText depends on word order or case (-a +b):\n%s", diff)
	}
	r, err := fusiontest.Ramp{D: 2}.Embed(3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{0, 0, 0.5, 0.5, 1, 1}, r.Float32s()); diff != "" {
		t.Errorf("Ramp (-want +got):\n%s", diff)
	}
	p := fusiontest.PadFuser{DV: 1, DT: 1, DF: 1, Out: 4}
	z := tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float32{1, 2}))
	et := tensor.New(tensor.WithShape(2, 1), tensor.WithBacking([]float32{5, 6}))
	u, err := p.Fuse(z, []float32{9}, et)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{1, 9, 5, 0, 2, 9, 6, 0}, u.Float32s()); diff != "" {
		t.Errorf("PadFuser (-want +got):\n%s", diff)
	}
}

// recorder is a testing.TB that records failures instead of reporting
// them; Fatalf ends the goroutine like testing.T does.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

// run calls suite with a recorder on its own goroutine and returns the
// recorded failures.
func run(t *testing.T, suite func(testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		suite(r)
	}()
	<-done
	return r.msgs
}

// broken encoders, each violating one clause of a contract.
type (
	noisyText struct {
		fusiontest.HashText
		calls *int
	}
	noEmptyErr  struct{ fusiontest.HashText }
	shiftedTime struct{ fusiontest.Ramp }
	mixingFuser struct{ fusiontest.PadFuser }
)

func (n noisyText) Encode(ctx context.Context, s string) ([]float32, error) {
	v, err := n.HashText.Encode(ctx, s)
	*n.calls++
	if err == nil {
		v[0] += float32(*n.calls)
	}
	return v, err
}

func (n noEmptyErr) Encode(ctx context.Context, s string) ([]float32, error) {
	if strings.TrimSpace(s) == "" {
		return make([]float32, n.D), nil
	}
	return n.HashText.Encode(ctx, s)
}

// Embed uses t/T instead of t/(T-1).
func (s shiftedTime) Embed(T int) (*tensor.Dense, error) {
	d, err := s.Ramp.Embed(T + 1)
	if err != nil {
		return nil, err
	}
	return tensor.New(tensor.WithShape(T, s.D), tensor.WithBacking(d.Float32s()[:T*s.D])), nil
}

// Fuse adds the clip's mean frame feature to every token.
func (m mixingFuser) Fuse(z *tensor.Dense, text []float32, et *tensor.Dense) (*tensor.Dense, error) {
	u, err := m.PadFuser.Fuse(z, text, et)
	if err != nil {
		return nil, err
	}
	var mean float32
	for _, x := range z.Float32s() {
		mean += x / float32(len(z.Float32s()))
	}
	for i := range u.Float32s() {
		u.Float32s()[i] += mean
	}
	return u, nil
}

func TestSuitesCatchFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		suite func(testing.TB)
		want  string
	}{
		{"nondeterministic text", func(tb testing.TB) { fusiontest.TextEncoder(tb, noisyText{fusiontest.HashText{D: 4}, new(int)}) }, "not deterministic"},
		{"empty text accepted", func(tb testing.TB) { fusiontest.TextEncoder(tb, noEmptyErr{fusiontest.HashText{D: 4}}) }, `Encode("") returned no error`},
		{"tau off by one", func(tb testing.TB) { fusiontest.TimeEncoder(tb, shiftedTime{fusiontest.Ramp{D: 2}}) }, "last frame (tau = 1)"},
		{"frames mixed", func(tb testing.TB) {
			fusiontest.Fuser(tb, mixingFuser{fusiontest.PadFuser{DV: 2, DT: 2, DF: 2, Out: 6}}, 2, 2, 2)
		}, "fused alone differs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs := run(t, tc.suite)
			found := false
			for _, m := range msgs {
				found = found || strings.Contains(m, tc.want)
			}
			if !found {
				t.Errorf("suite failures %q, want one containing %q", msgs, tc.want)
			}
		})
	}
}
