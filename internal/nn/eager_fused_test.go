package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

// eagerNaiveSoftmax is softmax over rows of length n in float64.
func eagerNaiveSoftmax(x []float64, n int) []float64 {
	out := make([]float64, len(x))
	for r := 0; r < len(x); r += n {
		m := math.Inf(-1)
		for _, v := range x[r : r+n] {
			m = math.Max(m, v)
		}
		var s float64
		for i, v := range x[r : r+n] {
			out[r+i] = math.Exp(v - m)
			s += out[r+i]
		}
		for i := range n {
			out[r+i] /= s
		}
	}
	return out
}

// eagerNaiveNorm normalises rows of length d in float64: layer norm when
// center, RMS norm otherwise; beta may be nil.
func eagerNaiveNorm(x, gamma, beta []float64, d int, eps float64, center bool) []float64 {
	out := make([]float64, len(x))
	for r := 0; r < len(x); r += d {
		row := x[r : r+d]
		var mean float64
		if center {
			for _, v := range row {
				mean += v
			}
			mean /= float64(d)
		}
		var sq float64
		for _, v := range row {
			sq += (v - mean) * (v - mean)
		}
		rstd := 1 / math.Sqrt(sq/float64(d)+eps)
		for i, v := range row {
			out[r+i] = (v - mean) * rstd * gamma[i]
			if beta != nil {
				out[r+i] += beta[i]
			}
		}
	}
	return out
}

func TestEagerSoftmax(t *testing.T) {
	inf := float32(math.Inf(1))
	tests := []struct {
		name  string
		shape []int
		in    []float32
		want  []float32
	}{
		{"uniform", []int{1, 4}, []float32{3, 3, 3, 3}, []float32{0.25, 0.25, 0.25, 0.25}},
		{"ln 3", []int{2, 2}, []float32{0, float32(math.Log(3)), 5, 5}, []float32{0.25, 0.75, 0.5, 0.5}},
		{"masked -Inf", []int{3}, []float32{1, -inf, 1}, []float32{0.5, 0, 0.5}},
		{"large", []int{2}, []float32{1000, 1000}, []float32{0.5, 0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			got := eagerGet(t, e, e.Softmax(e.Const(eagerT(tt.shape, tt.in...))))
			if diff := cmp.Diff(eagerResult{tt.shape, tt.want}, got, eagerApprox(1e-7)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, shape := range [][]int{{5, 7}, {3, 200, 129}, {2, 3, 2, 1000}} {
		e := NewEager()
		e.workers = 3
		in := eagerRand(rng, shape...)
		// Spread the logits to exercise the exponential's range.
		x := eagerF64(in)
		for i := range x {
			x[i] *= 20
			in.Float32s()[i] = float32(x[i])
		}
		got := eagerGet(t, e, e.Softmax(e.Const(in)))
		want := eagerNaiveSoftmax(x, shape[len(shape)-1])
		if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(eagerF32(want), got.Data, 1e-6)); diff != "" {
			t.Errorf("%v: (-want +got)\n%s", shape, diff)
		}
	}
}

func TestEagerNorms(t *testing.T) {
	// Hand-computed: row (1,3): mean 2, variance 1, so layer norm gives
	// (-1, 1) / sqrt(1+eps); RMS norm: mean square 5, so (1,3) / sqrt(5+eps).
	e := NewEager()
	x := e.Const(eagerT([]int{1, 2}, 1, 3))
	g := e.Param(eagerT([]int{2}, 2, 1))
	b := e.Param(eagerT([]int{2}, 0.5, -0.5))
	eps := float32(1e-5)
	s1, s5 := float32(1/math.Sqrt(1+1e-5)), float32(1/math.Sqrt(5+1e-5))
	tests := []struct {
		name string
		got  V
		want []float32
	}{
		{"LayerNorm", e.LayerNorm(x, g, b, eps), []float32{-2*s1 + 0.5, s1 - 0.5}},
		{"LayerNorm no beta", e.LayerNorm(x, g, nil, eps), []float32{-2 * s1, s1}},
		{"RMSNorm", e.RMSNorm(x, g, eps), []float32{2 * s5, 3 * s5}},
	}
	for _, tt := range tests {
		got := eagerGet(t, e, tt.got)
		if diff := cmp.Diff(eagerResult{[]int{1, 2}, tt.want}, got, eagerApprox(1e-6)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for _, shape := range [][]int{{3, 8}, {4, 100, 256}, {2, 1000}} {
		d := shape[len(shape)-1]
		in, gamma, beta := eagerRand(rng, shape...), eagerRand(rng, d), eagerRand(rng, d)
		// An offset makes the centring matter.
		for i := range in.Float32s() {
			in.Float32s()[i] += 3
		}
		x, gf, bf := eagerF64(in), eagerF64(gamma), eagerF64(beta)
		e := NewEager()
		e.workers = 3
		for _, c := range []struct {
			name string
			got  V
			want []float64
		}{
			{"LayerNorm", e.LayerNorm(e.Const(in), e.Param(gamma), e.Param(beta), 1e-5), eagerNaiveNorm(x, gf, bf, d, 1e-5, true)},
			{"LayerNorm no beta", e.LayerNorm(e.Const(in), e.Param(gamma), nil, 1e-6), eagerNaiveNorm(x, gf, nil, d, 1e-6, true)},
			{"RMSNorm", e.RMSNorm(e.Const(in), e.Param(gamma), 1e-6), eagerNaiveNorm(x, gf, nil, d, 1e-6, false)},
		} {
			got := eagerGet(t, e, c.got)
			if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(eagerF32(c.want), got.Data, 2e-6)); diff != "" {
				t.Errorf("%s %v: (-want +got)\n%s", c.name, shape, diff)
			}
		}
	}
}

// eagerNaiveAttention computes softmax(q k^T scale + bias) v in float64 for
// q (B,Lq,dh), k (B,Lk,dh), v (B,Lk,dv) and bias (Lq,Lk), (B,Lq,Lk) or nil.
func eagerNaiveAttention(q, k, v, bias []float64, b, lq, lk, dh, dv int, batchedBias bool, scale float64) []float64 {
	out := make([]float64, b*lq*dv)
	for n := range b {
		s := make([]float64, lq*lk)
		for i := range lq {
			for j := range lk {
				var dot float64
				for c := range dh {
					dot += q[(n*lq+i)*dh+c] * k[(n*lk+j)*dh+c]
				}
				s[i*lk+j] = dot * scale
				if bias != nil {
					off := i*lk + j
					if batchedBias {
						off += n * lq * lk
					}
					s[i*lk+j] += bias[off]
				}
			}
		}
		p := eagerNaiveSoftmax(s, lk)
		for i := range lq {
			for c := range dv {
				var acc float64
				for j := range lk {
					acc += p[i*lk+j] * v[(n*lk+j)*dv+c]
				}
				out[(n*lq+i)*dv+c] = acc
			}
		}
	}
	return out
}

func TestEagerAttention(t *testing.T) {
	// Hand-computed: one query against two keys with equal scores attends
	// half to each; a -Inf bias masks the second key.
	e := NewEager()
	q := e.Const(eagerT([]int{1, 1, 2}, 1, 0))
	k := e.Const(eagerT([]int{1, 2, 2}, 1, 5, 1, -5))
	v := e.Const(eagerT([]int{1, 2, 3}, 2, 4, 6, 0, 0, 0))
	mask := e.Const(eagerT([]int{1, 2}, 0, float32(math.Inf(-1))))
	for _, c := range []struct {
		name string
		got  V
		want []float32
	}{
		{"equal scores", e.Attention(q, k, v, nil, 0.5), []float32{1, 2, 3}},
		{"masked", e.Attention(q, k, v, mask, 0.5), []float32{2, 4, 6}},
	} {
		got := eagerGet(t, e, c.got)
		if diff := cmp.Diff(eagerResult{[]int{1, 1, 3}, c.want}, got, eagerApprox(1e-7)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", c.name, diff)
		}
	}

	rng := rand.New(rand.NewPCG(15, 16))
	tests := []struct {
		b, lq, lk, dh, dv int
		bias              string // "", "shared" (Lq,Lk) or "batched" (B,Lq,Lk)
	}{
		{1, 3, 5, 4, 4, ""},
		{2, 7, 7, 8, 8, "shared"},
		{3, 70, 33, 16, 5, "batched"},   // Lq spans two row blocks
		{4, 128, 128, 64, 64, "shared"}, // transformer size, parallel
		{1, 200, 50, 32, 32, "batched"},
	}
	for _, tt := range tests {
		q, k, v := eagerRand(rng, tt.b, tt.lq, tt.dh), eagerRand(rng, tt.b, tt.lk, tt.dh), eagerRand(rng, tt.b, tt.lk, tt.dv)
		var bias *tensor.Dense
		switch tt.bias {
		case "shared":
			bias = eagerRand(rng, tt.lq, tt.lk)
		case "batched":
			bias = eagerRand(rng, tt.b, tt.lq, tt.lk)
		}
		scale := 1 / math.Sqrt(float64(tt.dh))
		var bf []float64
		if bias != nil {
			bf = eagerF64(bias)
		}
		want := eagerNaiveAttention(eagerF64(q), eagerF64(k), eagerF64(v), bf, tt.b, tt.lq, tt.lk, tt.dh, tt.dv, tt.bias == "batched", scale)
		var results [][]float32
		for _, workers := range []int{1, 3} {
			e := NewEager()
			e.workers = workers
			var bv V
			if bias != nil {
				bv = e.Const(bias)
			}
			got := eagerGet(t, e, e.Attention(e.Const(q), e.Const(k), e.Const(v), bv, float32(scale)))
			if diff := cmp.Diff([]int{tt.b, tt.lq, tt.dv}, got.Shape); diff != "" {
				t.Errorf("%+v: shape (-want +got)\n%s", tt, diff)
			}
			if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(eagerF32(want), got.Data, 2e-6)); diff != "" {
				t.Errorf("%+v workers %d: (-want +got)\n%s", tt, workers, diff)
			}
			results = append(results, got.Data)
		}
		// Deterministic: the same bits whatever the number of workers.
		if diff := cmp.Diff(results[0], results[1]); diff != "" {
			t.Errorf("%+v: 1 worker vs 3 (-want +got)\n%s", tt, diff)
		}
	}
}

// TestEagerActivationsLarge checks GELU and SiLU on an input split over
// goroutines against the float64 formulas.
func TestEagerActivationsLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	in := eagerRand(rng, 64, 1030)
	for i := range in.Float32s() {
		in.Float32s()[i] *= 6
	}
	x := eagerF64(in)
	gelu, silu := make([]float64, len(x)), make([]float64, len(x))
	for i, v := range x {
		gelu[i] = 0.5 * v * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(v+0.044715*v*v*v)))
		silu[i] = v / (1 + math.Exp(-v))
	}
	e := NewEager()
	e.workers = 3
	for _, c := range []struct {
		name string
		got  V
		want []float64
	}{{"GELU", e.GELU(e.Const(in)), gelu}, {"SiLU", e.SiLU(e.Const(in)), silu}} {
		got := eagerGet(t, e, c.got)
		if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(eagerF32(c.want), got.Data, 1e-6)); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", c.name, diff)
		}
	}
}

// TestEagerDeterministic checks that results are the same bits whatever the
// number of worker goroutines, on inputs large enough to be split.
func TestEagerDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	x, row, g := eagerRand(rng, 8, 96, 130), eagerRand(rng, 130), eagerRand(rng, 130)
	w := eagerRand(rng, 8, 130, 70)
	ops := []struct {
		name string
		f    func(e *Eager) V
	}{
		{"Add", func(e *Eager) V { return e.Add(e.Const(x), e.Const(row)) }},
		{"Sum axis 1", func(e *Eager) V { return e.Sum(e.Const(x), 1) }},
		{"Mean axis 2", func(e *Eager) V { return e.Mean(e.Const(x), 2) }},
		{"Transpose", func(e *Eager) V { return e.Transpose(e.Const(x), 2, 0, 1) }},
		{"MatMul", func(e *Eager) V { return e.MatMul(e.Const(x), e.Const(w), false, false) }},
		{"Softmax", func(e *Eager) V { return e.Softmax(e.Const(x)) }},
		{"LayerNorm", func(e *Eager) V { return e.LayerNorm(e.Const(x), e.Const(g), e.Const(row), 1e-5) }},
		{"RMSNorm", func(e *Eager) V { return e.RMSNorm(e.Const(x), e.Const(g), 1e-5) }},
		{"GELU", func(e *Eager) V { return e.GELU(e.Const(x)) }},
		{"Attention", func(e *Eager) V {
			q := e.Reshape(e.Const(x), 8, 96, 130)
			return e.Attention(q, q, q, nil, 0.1)
		}},
	}
	for _, op := range ops {
		var runs [][]float32
		for _, workers := range []int{1, 2, 5} {
			e := NewEager()
			e.workers = workers
			runs = append(runs, eagerGet(t, e, op.f(e)).Data)
		}
		for i := 1; i < len(runs); i++ {
			if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(runs[0], runs[i], 0)); diff != "" {
				t.Errorf("%s: 1 worker vs run %d (-want +got)\n%s", op.name, i, diff)
			}
		}
	}
}
