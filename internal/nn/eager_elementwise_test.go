package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/gemm"
)

func TestEagerBinary(t *testing.T) {
	a23 := []float32{1, 2, 3, 4, 5, 6}
	tests := []struct {
		name   string
		op     func(e *Eager, a, b V) V
		aShape []int
		a      []float32
		bShape []int
		b      []float32
		want   []float32
	}{
		{"Add same shape", (*Eager).Add, []int{2, 3}, a23, []int{2, 3}, []float32{10, 20, 30, 40, 50, 60}, []float32{11, 22, 33, 44, 55, 66}},
		{"Add bias (D)", (*Eager).Add, []int{2, 3}, a23, []int{3}, []float32{10, 20, 30}, []float32{11, 22, 33, 14, 25, 36}},
		{"Add row (1,D)", (*Eager).Add, []int{2, 3}, a23, []int{1, 3}, []float32{10, 20, 30}, []float32{11, 22, 33, 14, 25, 36}},
		{"Sub column (N,1)", (*Eager).Sub, []int{2, 3}, a23, []int{2, 1}, []float32{1, 4}, []float32{0, 1, 2, 0, 1, 2}},
		{"Mul scalar ()", (*Eager).Mul, []int{2, 3}, a23, []int{}, []float32{2}, []float32{2, 4, 6, 8, 10, 12}},
		{"Mul (1,1)", (*Eager).Mul, []int{2, 3}, a23, []int{1, 1}, []float32{-1}, []float32{-1, -2, -3, -4, -5, -6}},
		{"Div same shape", (*Eager).Div, []int{2, 3}, a23, []int{2, 3}, []float32{1, 2, 3, 8, 10, 12}, []float32{1, 1, 1, 0.5, 0.5, 0.5}},
		{"Div by zero", (*Eager).Div, []int{2}, []float32{1, -1}, []int{1}, []float32{0}, []float32{float32(math.Inf(1)), float32(math.Inf(-1))}},
		{
			"Add middle (B,1,D)", (*Eager).Add,
			[]int{2, 2, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8},
			[]int{2, 1, 2}, []float32{10, 20, 30, 40},
			[]float32{11, 22, 13, 24, 35, 46, 37, 48},
		},
		{
			"Sub (1,L,1)", (*Eager).Sub,
			[]int{2, 2, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8},
			[]int{1, 2, 1}, []float32{1, 3},
			[]float32{0, 1, 0, 1, 4, 5, 4, 5},
		},
		{
			"Mul (B,1,1,D) alternating", (*Eager).Mul,
			[]int{2, 2, 1, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8},
			[]int{2, 1, 1, 2}, []float32{1, 10, 100, 1000},
			[]float32{1, 20, 3, 40, 500, 6000, 700, 8000},
		},
		{
			"Add trailing (L,D) of (B,L,D)", (*Eager).Add,
			[]int{2, 2, 2}, []float32{1, 2, 3, 4, 5, 6, 7, 8},
			[]int{2, 2}, []float32{10, 20, 30, 40},
			[]float32{11, 22, 33, 44, 15, 26, 37, 48},
		},
		{"Add empty", (*Eager).Add, []int{0, 3}, []float32{}, []int{3}, []float32{1, 2, 3}, []float32{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			got := eagerGet(t, e, tt.op(e, e.Const(eagerT(tt.aShape, tt.a...)), e.Const(eagerT(tt.bShape, tt.b...))))
			want := eagerResult{Shape: tt.aShape, Data: tt.want}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// eagerNaiveBroadcast computes a op b in float64 by index arithmetic,
// reading b's index from a's with size-1 axes pinned to 0.
func eagerNaiveBroadcast(op eagerBinOp, as, bs []int, a, b []float64) []float64 {
	full := append(make([]int, len(as)-len(bs)), bs...)
	for i := range len(as) - len(bs) {
		full[i] = 1
	}
	out := make([]float64, len(a))
	idx := make([]int, len(as))
	for i := range a {
		rem := i
		for d := len(as) - 1; d >= 0; d-- {
			idx[d] = rem % as[d]
			rem /= as[d]
		}
		j := 0
		for d := range as {
			k := idx[d]
			if full[d] == 1 {
				k = 0
			}
			j = j*full[d] + k
		}
		switch op {
		case eagerAdd:
			out[i] = a[i] + b[j]
		case eagerSub:
			out[i] = a[i] - b[j]
		case eagerMul:
			out[i] = a[i] * b[j]
		case eagerDiv:
			out[i] = a[i] / b[j]
		}
	}
	return out
}

// TestEagerBinaryLarge checks the parallel paths of broadcasting against
// the naive loop.
func TestEagerBinaryLarge(t *testing.T) {
	tests := []struct {
		a, b []int
	}{
		{[]int{300, 257}, []int{300, 257}},
		{[]int{300, 257}, []int{257}},
		{[]int{300, 257}, []int{300, 1}},
		{[]int{4, 8, 64, 33}, []int{4, 1, 64, 33}},
		{[]int{4, 8, 64, 33}, []int{1, 8, 1, 33}},
		{[]int{4, 8, 64, 33}, []int{4, 8, 64, 1}},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tt := range tests {
		for op := eagerAdd; op <= eagerDiv; op++ {
			e := NewEager()
			e.workers = 3
			a, b := eagerRand(rng, tt.a...), eagerRand(rng, tt.b...)
			got := eagerGet(t, e, e.binary(op, e.Const(a), e.Const(b)))
			if diff := cmp.Diff(tt.a, got.Shape); diff != "" {
				t.Errorf("%s %v %v: shape (-want +got)\n%s", op.String(), tt.a, tt.b, diff)
			}
			want := eagerF32(eagerNaiveBroadcast(op, tt.a, tt.b, eagerF64(a), eagerF64(b)))
			if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(want, got.Data, 1e-6)); diff != "" {
				t.Errorf("%s %v %v: (-want +got)\n%s", op.String(), tt.a, tt.b, diff)
			}
		}
	}
}

func TestEagerUnary(t *testing.T) {
	in := []float32{-2, -0.5, 0, 0.25, 1, 3}
	inf := float32(math.Inf(1))
	ref := func(f func(float64) float64) []float32 {
		out := make([]float32, len(in))
		for i, x := range in {
			out[i] = float32(f(float64(x)))
		}
		return out
	}
	gelu := func(x float64) float64 {
		return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
	}
	tests := []struct {
		name string
		op   func(e *Eager, a V) V
		want []float32
	}{
		{"Scale", func(e *Eager, a V) V { return e.Scale(a, -2) }, []float32{4, 1, 0, -0.5, -2, -6}},
		{"AddScalar", func(e *Eager, a V) V { return e.AddScalar(a, 0.5) }, []float32{-1.5, 0, 0.5, 0.75, 1.5, 3.5}},
		{"Square", (*Eager).Square, []float32{4, 0.25, 0, 0.0625, 1, 9}},
		{"Log", (*Eager).Log, ref(math.Log)},
		{"Sqrt", (*Eager).Sqrt, ref(math.Sqrt)},
		{"Exp", (*Eager).Exp, ref(math.Exp)},
		{"Tanh", (*Eager).Tanh, ref(math.Tanh)},
		{"Sigmoid", (*Eager).Sigmoid, ref(func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })},
		{"GELU", (*Eager).GELU, ref(gelu)},
		{"SiLU", (*Eager).SiLU, ref(func(x float64) float64 { return x / (1 + math.Exp(-x)) })},
	}
	// Sanity of the hand-written references' special values.
	if got := ref(math.Log)[2]; got != -inf {
		t.Fatalf("log 0 = %v", got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			got := eagerGet(t, e, tt.op(e, e.Const(eagerT([]int{2, 3}, in...))))
			want := eagerResult{Shape: []int{2, 3}, Data: tt.want}
			if diff := cmp.Diff(want, got, eagerApprox(5e-7)); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// eagerKernelPaths lists the exponential kernels this machine can run: pure
// Go always, AVX2 when the CPU has it.
func eagerKernelPaths() []bool {
	if gemm.HasAVX2FMA() {
		return []bool{false, true}
	}
	return []bool{false}
}

// TestEagerMathf sweeps the exponential-based slice kernels, on the pure Go
// and the AVX2 paths, against package math: relative error under 3e-7
// (about 2.5 ulp), plus 3e-7 |2u| for GELU (its exponent's argument 2u is
// computed in float32 first, which costs a few ulp of 2u, as in any float32
// GELU); results that overflow float32 must be +Inf and results under 1e-30
// in magnitude within 1e-35 absolute (the AVX2 path flushes exponentials
// under 2.4e-38 to 0, which SiLU multiplies by up to 90); and the special
// values.
func TestEagerMathf(t *testing.T) {
	u := func(x float64) float64 { return math.Sqrt(2/math.Pi) * (x + 0.044715*x*x*x) }
	// 0.5 x (1 + tanh u) = x sigmoid(2u): the second form keeps its
	// accuracy in float64 where 1 + tanh u cancels (x < -5).
	gelu := func(x float64) float64 { return x / (1 + math.Exp(-2*u(x))) }
	fixed := func(float64) float64 { return 3e-7 }
	tests := []struct {
		name   string
		f      func(avx2 bool, dst, src []float32)
		ref    func(float64) float64
		lo, hi float32
		tol    func(x float64) float64
	}{
		{"exp", eagerExpSlice, math.Exp, -104, 89, fixed},
		{"tanh", eagerTanhSlice, math.Tanh, -12, 12, fixed},
		{"sigmoid", eagerSigmoidSlice, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -90, 30, fixed},
		{"gelu", eagerGELUSlice, gelu, -12, 12, func(x float64) float64 { return 3e-7 * (1 + math.Abs(2*u(x))) }},
		{"silu", eagerSiLUSlice, func(x float64) float64 { return x / (1 + math.Exp(-x)) }, -90, 30, fixed},
	}
	for _, avx2 := range eagerKernelPaths() {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/avx2=%v", tt.name, avx2), func(t *testing.T) {
				const steps = 200003
				xs := make([]float32, steps)
				for i := range xs {
					xs[i] = tt.lo + (tt.hi-tt.lo)*float32(i)/steps
				}
				ys := make([]float32, steps)
				tt.f(avx2, ys, xs)
				worst := 0.0
				for i, x := range xs {
					got, want := float64(ys[i]), tt.ref(float64(x))
					if w32 := float64(float32(want)); math.IsInf(w32, 0) {
						if got != w32 {
							t.Fatalf("f(%v) = %v, want %v", x, got, want)
						}
						continue
					}
					d := math.Abs(got - want)
					if math.Abs(want) < 1e-30 {
						if d > 1e-35 {
							t.Fatalf("f(%v) = %v, want %v (absolute error %.3g)", x, got, want, d)
						}
						continue
					}
					d /= math.Abs(want)
					worst = math.Max(worst, d)
					if d > tt.tol(float64(x)) {
						t.Fatalf("f(%v) = %v, want %v (relative error %.3g)", x, got, want, d)
					}
				}
				t.Logf("worst relative error %.3g", worst)
			})
		}
	}
}

// TestEagerMathfSpecial checks infinities, zero and NaN on every path, in
// the vector lanes and in the scalar tail.
func TestEagerMathfSpecial(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	in := []float32{inf, -inf, 0, nan, 1e30, -1e30}
	tests := []struct {
		name string
		f    func(avx2 bool, dst, src []float32)
		want []float32
	}{
		{"exp", eagerExpSlice, []float32{inf, 0, 1, nan, inf, 0}},
		{"tanh", eagerTanhSlice, []float32{1, -1, 0, nan, 1, -1}},
		{"sigmoid", eagerSigmoidSlice, []float32{1, 0, 0.5, nan, 1, 0}},
		{"silu", eagerSiLUSlice, []float32{inf, nan, 0, nan, 1e30, 0}},
	}
	for _, avx2 := range eagerKernelPaths() {
		for _, tt := range tests {
			// Eight copies fill vector lanes; the last copy's tail runs
			// scalar.
			var src, want []float32
			for range 3 {
				src, want = append(src, in...), append(want, tt.want...)
			}
			got := make([]float32, len(src))
			tt.f(avx2, got, src)
			if diff := cmp.Diff(want, got, eagerApprox(0)); diff != "" {
				t.Errorf("%s avx2=%v: (-want +got)\n%s", tt.name, avx2, diff)
			}
		}
	}
}

// FuzzEagerBroadcast draws a shape a (rank 0-4, sizes 0-3) and derives b
// from it (leading axes dropped, axes set to 1, or a size changed, which
// must be an error); the result must match the naive broadcast, or the
// executor must report an error naming both shapes, never panic.
func FuzzEagerBroadcast(f *testing.F) {
	f.Add([]byte{2, 2, 3, 0, 0, 0})
	f.Add([]byte{3, 2, 1, 3, 1, 1, 0})
	f.Add([]byte{4, 2, 3, 2, 2, 0, 2, 5})
	f.Fuzz(func(t *testing.T, spec []byte) {
		next := func() int {
			if len(spec) == 0 {
				return 0
			}
			v := int(spec[0])
			spec = spec[1:]
			return v
		}
		rank := next() % 5
		as := make([]int, rank)
		for i := range as {
			as[i] = next() % 4
		}
		drop := next() % (rank + 1)
		bs := append([]int{}, as[drop:]...)
		valid := true
		for i := range bs {
			switch next() % 4 {
			case 1:
				if drop > 0 && bs[i] != 1 {
					valid = false // lower rank must match trailing axes exactly
				}
				bs[i] = 1
			case 2:
				bs[i] = 4 // a's sizes are below 4: never broadcasts
				valid = false
			}
		}
		op := eagerBinOp(next() % 4)
		rng := rand.New(rand.NewPCG(uint64(rank), uint64(drop)))
		a, b := eagerRand(rng, as...), eagerRand(rng, bs...)
		e := NewEager()
		got := e.binary(op, e.Const(a), e.Const(b))
		if !valid {
			if e.Err() == nil {
				t.Fatalf("%s %v by %v: no error", op.String(), as, bs)
			}
			eagerWantErr(t, e, op.String(), fmt.Sprint(tensor.Shape(as)), fmt.Sprint(tensor.Shape(bs)))
			return
		}
		res := eagerGet(t, e, got)
		want := eagerF32(eagerNaiveBroadcast(op, as, bs, eagerF64(a), eagerF64(b)))
		if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(want, res.Data, 1e-6)); diff != "" {
			t.Errorf("%s %v by %v: (-want +got)\n%s", op.String(), as, bs, diff)
		}
	})
}
