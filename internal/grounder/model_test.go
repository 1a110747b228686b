package grounder

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// kindCounts counts the positions of each kind in a layout.
func kindCounts(l *fusion.Layout) map[fusion.TokenKind]int {
	n := map[fusion.TokenKind]int{}
	for _, k := range l.Kinds {
		n[k]++
	}
	return n
}

func TestForwardShapesAndLayout(t *testing.T) {
	tests := []struct {
		name             string
		objects, times   int
		choices          bool
		wantObj, wantTim int // object and time tokens in the sequence
	}{
		{name: "objects and time tokens", objects: 2, times: 3, wantObj: 2 * 2, wantTim: 3},
		{name: "question", objects: 2, times: 3, choices: true, wantObj: 2 * 2, wantTim: 3},
		{name: "no object tokens", objects: 0, times: 3, wantObj: 0, wantTim: 3},
		{name: "no time tokens", objects: 2, times: 0, wantObj: 2 * 2, wantTim: 0},
		{name: "neither", objects: 0, times: 0, wantObj: 0, wantTim: 0},
		// More budget than frames: empty chunks and bins are left out.
		{name: "budgets beyond T", objects: 8, times: 4, wantObj: 2 * tinyT, wantTim: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tinyBase(t, 1)
			c := tinyConfig()
			c.ObjectTokens, c.TimeTokens = tc.objects, tc.times
			m, _ := tinyModel(t, c, b, 1)
			s := synthSample(t, b.Tok, 7, "the red ball moves left", 1, 2, tc.choices, 0)
			e := nn.NewEager()
			out, err := m.Forward(e, b, s.Input(c))
			if err != nil {
				t.Fatal(err)
			}
			L := len(s.Tokens) + tc.wantObj + tc.wantTim + tinyT
			shapes := map[string][]int{
				"Start": out.Start.Shape(), "End": out.End.Shape(),
				"Z": out.Z.Shape(), "FDiff": out.FDiff.Shape(), "Hidden": out.Hidden.Shape(),
			}
			want := map[string][]int{
				"Start": {1, tinyT}, "End": {1, tinyT},
				"Z": {tinyT, c.VisualDim}, "FDiff": {tinyT, tinyAux}, "Hidden": {L, c.LLMDim},
			}
			if tc.choices {
				shapes["Answer"], want["Answer"] = out.Answer.Shape(), []int{1, 3}
			} else if out.Answer != nil {
				t.Errorf("Answer = %v without choices, want nil", out.Answer.Shape())
			}
			if diff := cmp.Diff(want, shapes); diff != "" {
				t.Errorf("shapes (-want +got):\n%s", diff)
			}
			gotKinds := kindCounts(out.Layout)
			wantKinds := map[fusion.TokenKind]int{fusion.InstructionToken: len(s.Tokens), fusion.FrameToken: tinyT}
			if tc.wantObj > 0 {
				wantKinds[fusion.ObjectToken] = tc.wantObj
			}
			if tc.wantTim > 0 {
				wantKinds[fusion.TimeTokenKind] = tc.wantTim
			}
			if diff := cmp.Diff(wantKinds, gotKinds); diff != "" {
				t.Errorf("token kinds (-want +got):\n%s", diff)
			}
			if out.Layout.Len != L {
				t.Errorf("Layout.Len = %d, want %d", out.Layout.Len, L)
			}
			// The instruction and time tokens are rows of the LM's own
			// embedding table: check them in the language model's input by
			// re-running the assembled sequence's pieces is not possible
			// from Output, so check the layout's time bins instead.
			if tc.wantTim > 0 {
				wantBins := make([]int, tc.wantTim)
				for k := range wantBins {
					wantBins[k] = k
				}
				if diff := cmp.Diff(wantBins, out.Layout.TimeBins); diff != "" {
					t.Errorf("time bins (-want +got):\n%s", diff)
				}
			}
			for _, v := range e.Dense(out.Start).Float32s() {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("start logits not finite: %v", e.Dense(out.Start).Float32s())
				}
			}
		})
	}
}

// TestForwardEagerMatchesGraph checks the package doc's claim that the
// graph executor (training) and the eager executor (evaluation) compute
// the same network.
func TestForwardEagerMatchesGraph(t *testing.T) {
	b := tinyBase(t, 1)
	c := tinyConfig()
	m, set := tinyModel(t, c, b, 1)
	randomizeB(set.Params(), 11)
	s := synthSample(t, b.Tok, 7, "what colour is the ball ?", 1, 2, true, 0)
	e := nn.NewEager()
	oe, err := m.Forward(e, b, s.Input(c))
	if err != nil {
		t.Fatal(err)
	}
	g := nn.NewGraph()
	og, err := m.Forward(g, b, s.Input(c))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name   string
		ev, gv nn.V
	}{{"start", oe.Start, og.Start}, {"end", oe.End, og.End}, {"answer", oe.Answer, og.Answer}, {"fdiff", oe.FDiff, og.FDiff}} {
		want := e.Dense(v.ev).Float32s()
		got := g.Value(v.gv).Float32s()
		if d := maxAbsDiff(want, got); d > 1e-4 {
			t.Errorf("%s: graph and eager differ by %g:\neager %v\ngraph %v", v.name, d, want, got)
		}
	}
}

func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func TestForwardErrors(t *testing.T) {
	b := tinyBase(t, 1)
	c := tinyConfig()
	m, _ := tinyModel(t, c, b, 1)
	good := synthSample(t, b.Tok, 7, "the red ball", 1, 2, true, 0).Input(c)
	tests := []struct {
		name string
		edit func(in *Input)
		want string // a fragment of the error
	}{
		{"pooled width", func(in *Input) {
			in.Pooled = tensor.New(tensor.WithShape(tinyT, tinyPooled+1), tensor.Of(tensor.Float32))
		}, "pooled features of shape (6, 6)"},
		{"pooled rank", func(in *Input) {
			in.Pooled = tensor.New(tensor.WithShape(tinyT*tinyPooled), tensor.Of(tensor.Float32))
		}, "pooled features"},
		{"text width", func(in *Input) { in.Text = in.Text[:tinyText-1] }, "text embedding of width 3, want 4"},
		{"no text", func(in *Input) { in.Text = nil }, "text embedding of width 0"},
		{"presence frames", func(in *Input) {
			in.Presence = tensor.New(tensor.WithShape(2, tinyT+1), tensor.Of(tensor.Float32))
		}, "presence of shape"},
		{"choice width", func(in *Input) {
			in.Choices = tensor.New(tensor.WithShape(3, tinyText+2), tensor.Of(tensor.Float32))
		}, "choices of shape"},
		{"token out of range", func(in *Input) { in.Tokens = []int{2, len(tinyVocab) + 5, 3} }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			for _, ex := range []struct {
				name string
				e    nn.Exec
			}{{"eager", nn.NewEager()}, {"graph", nn.NewGraph()}} {
				out, err := m.Forward(ex.e, b, in)
				if err == nil {
					t.Fatalf("%s: Forward = %v, nil error", ex.name, out)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %q, want it to contain %q", ex.name, err, tc.want)
				}
			}
		})
	}
}

// TestForwardNilPooled: an Input without pooled features is an argument
// error like a misshapen one, not a panic (no panic crosses the API).
func TestForwardNilPooled(t *testing.T) {
	b := tinyBase(t, 1)
	c := tinyConfig()
	m, _ := tinyModel(t, c, b, 1)
	in := synthSample(t, b.Tok, 7, "the red ball", 1, 2, false, -1).Input(c)
	in.Pooled = nil
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("BUG: Forward with a nil Input.Pooled panics: %v", r)
			}
		}()
		_, err = m.Forward(nn.NewEager(), b, in)
	}()
	if err == nil && !t.Failed() {
		t.Errorf("Forward with a nil Input.Pooled returned no error")
	}
}

// randomizeB gives the LoRA B matrices (zero when attached) small random
// values, so that the adapters change the model and A gets gradients.
func randomizeB(ps []*tensor.Dense, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 5))
	for i := 1; i < len(ps); i += 2 { // A, B, A, B, ...
		d := ps[i].Float32s()
		for j := range d {
			d[j] = float32(rng.NormFloat64() * 0.1)
		}
	}
}

// TestLossGradients compares the graph executor's gradients of Loss (span
// cross-entropies, choice cross-entropy and the KL term) with central
// differences of the same loss computed in float64 on nntest.Reference.
func TestLossGradients(t *testing.T) {
	b := tinyBase(t, 1)
	c := tinyConfig()
	m, set := tinyModel(t, c, b, 1)
	randomizeB(set.Params(), 11)
	s := synthSample(t, b.Tok, 7, "what colour is the ball ?", 1, 3, true, 2)
	const klWeight = 0.5
	in := s.Input(c)

	g := nn.NewGraph()
	g.Freeze(b.LM.Params()...)
	out, err := m.Forward(g, b, in)
	if err != nil {
		t.Fatal(err)
	}
	loss := m.Loss(g, out, s.Start, s.End, s.Answer, s.AuxTensor(), klWeight)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	lossAt := func() float64 {
		r := nntest.NewReference()
		o, err := m.Forward(r, b, in)
		if err != nil {
			t.Fatal(err)
		}
		l := m.Loss(r, o, s.Start, s.End, s.Answer, s.AuxTensor(), klWeight)
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		return r.Float64s(l)[0]
	}
	if got, want := float64(g.Value(loss).Float32s()[0]), lossAt(); math.Abs(got-want) > 1e-4*math.Abs(want) {
		t.Fatalf("graph loss %v, reference loss %v", got, want)
	}

	ad := set.Adapters()
	params := []struct {
		name string
		p    *tensor.Dense
	}{
		{"g_phi W", m.Proj.W}, {"g_phi B", m.Proj.B},
		{"time MLP in W", m.Time.In.W},
		{"fuser norm W", m.Fuser.Norm.W}, {"fuser proj W", m.Fuser.Proj.W}, {"fuser proj B", m.Fuser.Proj.B},
		{"span start", m.Spans.Start.W}, {"span end", m.Spans.End.W},
		{"choice W", m.Choice.W}, {"aux W", m.Aux.W},
		{"lora " + ad[0].Name + " B", ad[0].B}, {"lora " + ad[0].Name + " A", ad[0].A},
		{"lora " + ad[len(ad)-1].Name + " B", ad[len(ad)-1].B},
	}
	// The step is exact in float32 (a power of two) and the loss is
	// evaluated in float64, so the central difference has only its O(h^2)
	// truncation error, ~1e-6 relative here. The analytic gradient is
	// float32 through one transformer layer; it agrees to ~1e-5 of the
	// parameter's largest gradient, so the tolerance is 1e-4 of it (a wrong
	// backward rule is off by far more).
	const h = 1.0 / 512
	const tol = 1e-4
	for _, pc := range params {
		grad, err := g.Grad(pc.p)
		if err != nil {
			t.Fatalf("%s: %v", pc.name, err)
		}
		gd, pd := grad.Float32s(), pc.p.Float32s()
		if !slices.Equal([]int(grad.Shape()), []int(pc.p.Shape())) {
			t.Fatalf("%s: gradient of shape %v, parameter %v", pc.name, grad.Shape(), pc.p.Shape())
		}
		// Check the 3 entries of largest gradient and the first one.
		idx := topIndices(gd, 3)
		if !slices.Contains(idx, 0) {
			idx = append(idx, 0)
		}
		var scale float64
		for _, v := range gd {
			scale = max(scale, math.Abs(float64(v)))
		}
		if scale == 0 {
			t.Errorf("%s: gradient is all zero", pc.name)
			continue
		}
		for _, i := range idx {
			x := pd[i]
			pd[i] = x + h
			fp := lossAt()
			pd[i] = x - h
			fm := lossAt()
			pd[i] = x
			num := (fp - fm) / (2 * h)
			if d := math.Abs(float64(gd[i]) - num); d > tol*max(scale, 1e-3) {
				t.Errorf("%s[%d]: graph gradient %.6g, central difference %.6g (|diff| %.2g > %.0e * %.3g)", pc.name, i, gd[i], num, d, tol, scale)
			}
		}
	}

	// The language model is frozen: no gradient for any of its weights.
	for i, p := range b.LM.Params() {
		if gr, err := g.Grad(p); err == nil {
			t.Errorf("frozen LM parameter %d %v has a gradient (%v)", i, p.Shape(), gr.Shape())
		}
	}
}

// topIndices returns the indices of the k largest |x|.
func topIndices(xs []float32, k int) []int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return -cmpFloat(math.Abs(float64(xs[a])), math.Abs(float64(xs[b])))
	})
	return idx[:min(k, len(idx))]
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestLossTerms(t *testing.T) {
	// Loss adds the choice term only for a question with an answer, and
	// the KL term only with aux and a positive weight.
	b := tinyBase(t, 1)
	c := tinyConfig()
	m, _ := tinyModel(t, c, b, 1)
	q := synthSample(t, b.Tok, 7, "what colour is the ball ?", 1, 3, true, 2)
	e := nn.NewEager()
	out, err := m.Forward(e, b, q.Input(c))
	if err != nil {
		t.Fatal(err)
	}
	val := func(v nn.V) float64 { return float64(e.Dense(v).Float32s()[0]) }
	spans := val(e.Add(nn.CrossEntropy(e, out.Start, []int{1}), nn.CrossEntropy(e, out.End, []int{3})))
	choice := val(nn.CrossEntropy(e, out.Answer, []int{2}))
	tests := []struct {
		name   string
		answer int
		aux    *tensor.Dense
		kl     float64
		want   float64
	}{
		{"spans only", -1, nil, 0, spans},
		{"with choice", 2, nil, 0, spans + choice},
		{"aux without weight", -1, q.AuxTensor(), 0, spans},
		{"weight without aux", -1, nil, 1, spans},
	}
	for _, tc := range tests {
		got := val(m.Loss(e, out, 1, 3, tc.answer, tc.aux, tc.kl))
		if math.Abs(got-tc.want) > 1e-5 {
			t.Errorf("%s: Loss = %v, want %v", tc.name, got, tc.want)
		}
	}
	kl1 := val(m.Loss(e, out, 1, 3, -1, q.AuxTensor(), 1))
	kl2 := val(m.Loss(e, out, 1, 3, -1, q.AuxTensor(), 2))
	if !(kl1 > spans) || math.Abs((kl2-spans)-2*(kl1-spans)) > 1e-5 {
		t.Errorf("KL term: spans %v, weight 1 %v, weight 2 %v: want a positive term linear in the weight", spans, kl1, kl2)
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestForwardEdgeInputs(t *testing.T) {
	// Tracks absent from every frame, no instruction tokens, one frame:
	// finite logits of the right shapes.
	tests := []struct {
		name string
		edit func(s *Sample)
		T    int
	}{
		{"absent tracks", func(s *Sample) { clear(s.Presence) }, tinyT},
		{"no instruction tokens", func(s *Sample) { s.Tokens = nil }, tinyT},
		{"no tracks", func(s *Sample) { s.Nouns, s.Presence = 0, nil }, tinyT},
		{"one frame", func(s *Sample) {
			s.Times, s.Pooled, s.Aux = s.Times[:1], s.Pooled[:tinyPooled], s.Aux[:tinyAux]
			s.Presence = []float32{1, 0}
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tinyBase(t, 1)
			m, _ := tinyModel(t, tinyConfig(), b, 1)
			s := synthSample(t, b.Tok, 7, "what colour is the ball ?", 0, 0, true, 0)
			tc.edit(s)
			e := nn.NewEager()
			out, err := m.Forward(e, b, s.Input(m.Config))
			if err != nil {
				t.Fatal(err)
			}
			l := m.Loss(e, out, 0, 0, 0, s.AuxTensor(), 1)
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]int{1, tc.T}, []int(out.Start.Shape())); diff != "" {
				t.Errorf("start shape (-want +got):\n%s", diff)
			}
			vals := append(append(e.Dense(out.Start).Float32s(), e.Dense(out.Answer).Float32s()...), e.Dense(l).Float32s()...)
			for _, v := range vals {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("values not finite: %v", vals)
				}
			}
			// The gradients are finite too (a masked mean over no frame).
			g := nn.NewGraph()
			g.Freeze(b.LM.Params()...)
			gout, err := m.Forward(g, b, s.Input(m.Config))
			if err != nil {
				t.Fatal(err)
			}
			if err := g.Backward(m.Loss(g, gout, 0, 0, 0, s.AuxTensor(), 1)); err != nil {
				t.Fatal(err)
			}
			if err := g.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			for i, p := range m.Params() {
				gr, err := g.Grad(p)
				if err != nil {
					t.Fatalf("param %d: %v", i, err)
				}
				for _, v := range gr.Float32s() {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Fatalf("param %d %v: gradient not finite", i, p.Shape())
					}
				}
			}
		})
	}
}
