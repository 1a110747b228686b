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

func newFuser(t *testing.T, dv, dt, df, dllm int) *fusion.ConcatFuser {
	t.Helper()
	f, err := fusion.NewConcatFuser(rand.New(rand.NewPCG(4, 4)), fusion.FuserConfig{VisualDim: dv, TextDim: dt, TimeDim: df, LLMDim: dllm, Eps: 1e-5})
	if err != nil {
		t.Fatal(err)
	}
	randomizeNorm(&f.Norm, 5)
	return f
}

// randomizeNorm gives the LayerNorm a non-trivial affine map drawn from
// seed, so that a test sees its W and B.
func randomizeNorm(ln *nn.LayerNorm, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed))
	for i := range ln.W.Float32s() {
		ln.W.Float32s()[i] = float32(1 + 0.3*rng.NormFloat64())
		ln.B.Float32s()[i] = float32(0.3 * rng.NormFloat64())
	}
}

// TestFuse checks Eq. 13 against its float64 closed form.
func TestFuse(t *testing.T) {
	const dv, dt, df, dllm, T = 3, 2, 4, 5, 6
	f := newFuser(t, dv, dt, df, dllm)
	rng := rand.New(rand.NewPCG(6, 6))
	z := randDense(rng, T, dv)
	text := randDense(rng, dt).Float32s()
	timeEnc, err := fusion.NewSinusoidal(df)
	if err != nil {
		t.Fatal(err)
	}
	et, err := timeEnc.Embed(T)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.Fuse(z, text, et)
	if err != nil {
		t.Fatal(err)
	}
	gamma, beta, w, b := f.Norm.W.Float32s(), f.Norm.B.Float32s(), f.Proj.W.Float32s(), f.Proj.B.Float32s()
	var want []float64
	in := dv + dt + df
	for t := range T {
		var u []float64
		for _, x := range z.Float32s()[t*dv : (t+1)*dv] {
			u = append(u, float64(x))
		}
		for _, x := range text {
			u = append(u, float64(x))
		}
		for _, x := range et.Float32s()[t*df : (t+1)*df] {
			u = append(u, float64(x))
		}
		var mean, vr float64
		for _, x := range u {
			mean += x / float64(in)
		}
		for _, x := range u {
			vr += (x - mean) * (x - mean) / float64(in)
		}
		for i := range u {
			u[i] = (u[i]-mean)/math.Sqrt(vr+1e-5)*float64(gamma[i]) + float64(beta[i])
		}
		for o := range dllm {
			y := float64(b[o])
			for i := range in {
				y += float64(w[o*in+i]) * u[i]
			}
			want = append(want, y)
		}
	}
	if diff := cmp.Diff(want, float64sOf(got), cmpopts.EquateApprox(1e-5, 1e-5)); diff != "" {
		t.Errorf("Fuse (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(tensor.Shape{T, dllm}, got.Shape()); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
}

// TestFuserGradient checks the gradients of the projection, the norm and
// the inputs (e_text is shared by every frame) by central differences.
func TestFuserGradient(t *testing.T) {
	const dv, dt, df, dllm, T = 3, 2, 2, 4, 3
	f := newFuser(t, dv, dt, df, dllm)
	rng := rand.New(rand.NewPCG(7, 7))
	z, text, et := randDense(rng, T, dv), randDense(rng, dt), randDense(rng, T, df)
	build := func(e nn.Exec) nn.V {
		out, err := f.Forward(e, e.Param(z), e.Param(text), e.Param(et))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	checkGrad(t, build, []*tensor.Dense{f.Proj.W, f.Proj.B, f.Norm.W, f.Norm.B, z, text, et}, T*dllm)
}

func TestFuserErrors(t *testing.T) {
	f := newFuser(t, 3, 2, 4, 5)
	rng := rand.New(rand.NewPCG(8, 8))
	for _, tc := range []struct {
		name     string
		z        *tensor.Dense
		text     []float32
		timeEmb  *tensor.Dense
		wantPart string
	}{
		{"visual width", randDense(rng, 6, 7), make([]float32, 2), randDense(rng, 6, 4), "width 7, the fuser expects d_v = 3"},
		{"text width", randDense(rng, 6, 3), make([]float32, 5), randDense(rng, 6, 4), "text embedding has shape (5), the fuser expects (d_t=2)"},
		{"time width", randDense(rng, 6, 3), make([]float32, 2), randDense(rng, 6, 8), "time embeddings have shape (6, 8), the fuser expects (T=6, d_f=4)"},
		{"frame counts", randDense(rng, 6, 3), make([]float32, 2), randDense(rng, 5, 4), "z have 6 frames, time embeddings 5"},
		{"no frames", tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(0, 3)), make([]float32, 2), randDense(rng, 1, 4), "T = 0"},
		{"rank", randDense(rng, 6), make([]float32, 2), randDense(rng, 6, 4), "want (T, d_v=3)"},
		{"nil", nil, make([]float32, 2), randDense(rng, 6, 4), "nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Fuse(tc.z, tc.text, tc.timeEmb)
			if err == nil || !strings.Contains(err.Error(), tc.wantPart) {
				t.Errorf("error %v, want one containing %q", err, tc.wantPart)
			}
		})
	}
	for _, cfg := range []fusion.FuserConfig{
		{VisualDim: 0, TextDim: 1, TimeDim: 1, LLMDim: 1, Eps: 1e-5},
		{VisualDim: 1, TextDim: 1, TimeDim: 1, LLMDim: 0, Eps: 1e-5},
		{VisualDim: 1, TextDim: 1, TimeDim: 1, LLMDim: 1},
	} {
		if _, err := fusion.NewConcatFuser(rng, cfg); err == nil {
			t.Errorf("NewConcatFuser(%+v) returned no error", cfg)
		}
	}
}

// BenchmarkFuse fuses a 96-frame clip: d_v = 256, d_t = d_f = 64,
// d_LLM = 512, on the eager executor.
func BenchmarkFuse(b *testing.B) {
	const T, dv, dt, df, dllm = 96, 256, 64, 64, 512
	f, err := fusion.NewConcatFuser(rand.New(rand.NewPCG(1, 1)), fusion.FuserConfig{VisualDim: dv, TextDim: dt, TimeDim: df, LLMDim: dllm, Eps: 1e-5})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	z, text := randDense(rng, T, dv), randDense(rng, dt).Float32s()
	sin, err := fusion.NewSinusoidal(df)
	if err != nil {
		b.Fatal(err)
	}
	et, err := sin.Embed(T)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Fuse(z, text, et); err != nil {
			b.Fatal(err)
		}
	}
}
