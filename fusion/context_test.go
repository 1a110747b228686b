package fusion_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/nn"
)

func newContextFuser(t *testing.T, dv, dt, df, dllm, radius, hidden int) *fusion.ContextFuser {
	t.Helper()
	f, err := fusion.NewContextFuser(rand.New(rand.NewPCG(4, 5)), fusion.FuserConfig{VisualDim: dv, TextDim: dt, TimeDim: df, LLMDim: dllm, Eps: 1e-5},
		fusion.ContextConfig{Radius: radius, Hidden: hidden})
	if err != nil {
		t.Fatal(err)
	}
	randomizeNorm(&f.Norm, 6)
	return f
}

// contextReference computes ContextFuser's equations in float64 loops.
func contextReference(f *fusion.ContextFuser, z *tensor.Dense, text []float32, et *tensor.Dense) []float64 {
	c, ctx := f.Config(), f.Context()
	T, in, H, r := z.Shape()[0], c.VisualDim+c.TextDim+c.TimeDim, ctx.Hidden, ctx.Radius
	f64 := func(xs []float32) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = float64(x)
		}
		return out
	}
	gelu := func(x float64) float64 {
		return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
	}
	linear := func(l nn.Linear, x []float64) []float64 {
		w, b := f64(l.W.Float32s()), f64(l.B.Float32s())
		out := make([]float64, len(b))
		for o := range out {
			out[o] = b[o]
			for i, v := range x {
				out[o] += w[o*len(x)+i] * v
			}
		}
		return out
	}
	win := func(rows [][]float64, t, d int) []float64 {
		var out []float64
		for s := t - r; s <= t+r; s++ {
			if s < 0 || s >= T {
				out = append(out, make([]float64, d)...)
			} else {
				out = append(out, rows[s]...)
			}
		}
		return out
	}
	gamma, beta := f64(f.Norm.W.Float32s()), f64(f.Norm.B.Float32s())
	u := make([][]float64, T)
	for t := range T {
		x := append(append(f64(z.Float32s()[t*c.VisualDim:(t+1)*c.VisualDim]), f64(text)...), f64(et.Float32s()[t*c.TimeDim:(t+1)*c.TimeDim])...)
		var mean, vr float64
		for _, v := range x {
			mean += v / float64(in)
		}
		for _, v := range x {
			vr += (v - mean) * (v - mean) / float64(in)
		}
		for i := range x {
			x[i] = (x[i]-mean)/math.Sqrt(vr+1e-5)*gamma[i] + beta[i]
		}
		u[t] = x
	}
	apply := func(l nn.Linear, rows [][]float64, d int) [][]float64 {
		out := make([][]float64, T)
		for t := range T {
			out[t] = linear(l, win(rows, t, d))
			for i := range out[t] {
				out[t][i] = gelu(out[t][i])
			}
		}
		return out
	}
	h := apply(f.Local, u, in)
	k := apply(f.Mix, h, H)
	var want []float64
	for t := range T {
		before, after := make([]float64, H), make([]float64, H)
		for s := range T {
			for i := range H {
				if s < t {
					before[i] += fusion.EventSumScale * k[s][i]
				}
				if s > t {
					after[i] += fusion.EventSumScale * k[s][i]
				}
			}
		}
		want = append(want, linear(f.Proj, append(append(append([]float64(nil), k[t]...), before...), after...))...)
	}
	return want
}

// TestContextFuse checks ContextFuser against its equations computed in
// float64, for windows narrower and wider than the clip.
func TestContextFuse(t *testing.T) {
	for _, tc := range []struct {
		name      string
		T, radius int
	}{
		{"radius 0", 5, 0},
		{"radius 1", 6, 1},
		{"radius 2", 7, 2},
		{"window wider than the clip", 2, 3},
		{"one frame", 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const dv, dt, df, dllm, hidden = 3, 2, 4, 5, 6
			f := newContextFuser(t, dv, dt, df, dllm, tc.radius, hidden)
			rng := rand.New(rand.NewPCG(6, uint64(tc.T)))
			z, text, et := randDense(rng, tc.T, dv), randDense(rng, dt).Float32s(), randDense(rng, tc.T, df)
			got, err := f.Fuse(z, text, et)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tensor.Shape{tc.T, dllm}, got.Shape()); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(contextReference(f, z, text, et), float64sOf(got), cmpopts.EquateApprox(1e-5, 1e-5)); diff != "" {
				t.Errorf("Fuse (-want +got):\n%s", diff)
			}
		})
	}
}

// TestContextFuserReadsNeighbours checks which frames a token depends on:
// changing frame 0 changes every token (through the sums over earlier
// frames), and with the sums' weights in W_proj zeroed only the tokens of
// frames within 2R of it.
func TestContextFuserReadsNeighbours(t *testing.T) {
	const dv, dt, df, dllm, hidden, T, radius = 3, 2, 2, 4, 5, 9, 1
	f := newContextFuser(t, dv, dt, df, dllm, radius, hidden)
	rng := rand.New(rand.NewPCG(8, 9))
	z, text, et := randDense(rng, T, dv), randDense(rng, dt).Float32s(), randDense(rng, T, df)
	changed := func() []bool {
		a, err := f.Fuse(z, text, et)
		if err != nil {
			t.Fatal(err)
		}
		z2 := tensor.New(tensor.WithShape(T, dv), tensor.WithBacking(append([]float32(nil), z.Float32s()...)))
		z2.Float32s()[0] += 1
		b, err := f.Fuse(z2, text, et)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]bool, T)
		for tt := range T {
			for i := range dllm {
				if a.Float32s()[tt*dllm+i] != b.Float32s()[tt*dllm+i] {
					out[tt] = true
				}
			}
		}
		return out
	}
	all := make([]bool, T)
	for i := range all {
		all[i] = true
	}
	if diff := cmp.Diff(all, changed()); diff != "" {
		t.Errorf("tokens changed by frame 0 (-want +got):\n%s", diff)
	}
	w := f.Proj.W.Float32s()
	for o := range dllm {
		for i := hidden; i < 3*hidden; i++ {
			w[o*3*hidden+i] = 0
		}
	}
	want := make([]bool, T)
	for tt := range 2*radius + 1 {
		want[tt] = true
	}
	if diff := cmp.Diff(want, changed()); diff != "" {
		t.Errorf("tokens changed by frame 0 without the sums (-want +got):\n%s", diff)
	}
}

// TestContextFuserGradient checks the gradients of every parameter and
// input by central differences.
func TestContextFuserGradient(t *testing.T) {
	const dv, dt, df, dllm, T = 3, 2, 2, 4, 4
	f := newContextFuser(t, dv, dt, df, dllm, 1, 3)
	rng := rand.New(rand.NewPCG(7, 8))
	z, text, et := randDense(rng, T, dv), randDense(rng, dt), randDense(rng, T, df)
	build := func(e nn.Exec) nn.V {
		out, err := f.Forward(e, e.Param(z), e.Param(text), e.Param(et))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	checkGrad(t, build, append(f.Params(), z, text, et), T*dllm)
}

func TestContextFuserErrors(t *testing.T) {
	f := newContextFuser(t, 3, 2, 4, 5, 1, 4)
	rng := rand.New(rand.NewPCG(8, 8))
	for _, tc := range []struct {
		name     string
		z        *tensor.Dense
		timeEmb  *tensor.Dense
		wantPart string
	}{
		{"visual width", randDense(rng, 6, 7), randDense(rng, 6, 4), "width 7, the fuser expects d_v = 3"},
		{"frame counts", randDense(rng, 6, 3), randDense(rng, 5, 4), "z have 6 frames, time embeddings 5"},
		{"nil", nil, randDense(rng, 6, 4), "nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Fuse(tc.z, make([]float32, 2), tc.timeEmb)
			if err == nil || !strings.Contains(err.Error(), tc.wantPart) {
				t.Errorf("error %v, want one containing %q", err, tc.wantPart)
			}
		})
	}
	ok := fusion.FuserConfig{VisualDim: 1, TextDim: 1, TimeDim: 1, LLMDim: 1, Eps: 1e-5}
	for _, tc := range []struct {
		cfg fusion.FuserConfig
		ctx fusion.ContextConfig
	}{
		{fusion.FuserConfig{VisualDim: 0, TextDim: 1, TimeDim: 1, LLMDim: 1, Eps: 1e-5}, fusion.ContextConfig{Radius: 1, Hidden: 1}},
		{fusion.FuserConfig{VisualDim: 1, TextDim: 1, TimeDim: 1, LLMDim: 1}, fusion.ContextConfig{Radius: 1, Hidden: 1}},
		{ok, fusion.ContextConfig{Radius: -1, Hidden: 1}},
		{ok, fusion.ContextConfig{Radius: 1, Hidden: 0}},
	} {
		if _, err := fusion.NewContextFuser(rng, tc.cfg, tc.ctx); err == nil {
			t.Errorf("NewContextFuser(%+v, %+v) returned no error", tc.cfg, tc.ctx)
		}
	}
}
