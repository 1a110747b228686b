package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

// eagerT returns a float32 tensor of the given shape holding data.
func eagerT(shape []int, data ...float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// eagerRand returns a tensor of the given shape with uniform values in
// [-1,1) drawn from rng.
func eagerRand(rng *rand.Rand, shape ...int) *tensor.Dense {
	data := make([]float32, tensor.Shape(shape).TotalSize())
	for i := range data {
		data[i] = 2*rng.Float32() - 1
	}
	return eagerT(shape, data...)
}

// eagerResult is a value's shape and data, for cmp.Diff.
type eagerResult struct {
	Shape []int
	Data  []float32
}

// eagerGet returns v's shape and data, failing the test on an executor
// error.
func eagerGet(t *testing.T, e *Eager, v V) eagerResult {
	t.Helper()
	if err := e.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	d := e.Dense(v)
	data := append([]float32{}, d.Float32s()...)
	return eagerResult{Shape: append([]int{}, v.Shape()...), Data: data}
}

// eagerApprox compares float32 within |a-b| <= tol * max(1, |a|, |b|).
func eagerApprox(tol float64) cmp.Option {
	return cmp.Comparer(func(a, b float32) bool {
		if math.IsNaN(float64(a)) || math.IsNaN(float64(b)) {
			return math.IsNaN(float64(a)) && math.IsNaN(float64(b))
		}
		if a == b {
			return true
		}
		d := math.Abs(float64(a) - float64(b))
		return d <= tol*math.Max(1, math.Max(math.Abs(float64(a)), math.Abs(float64(b))))
	})
}

// eagerMismatch is an element outside tolerance.
type eagerMismatch struct {
	Index     int
	Want, Got float32
}

// eagerMismatches lists the elements of got that differ from want by more
// than tol * max(1, |want|) (NaN matches NaN), at most 10, and a last entry
// with Index -1 when the lengths differ. Comparing the list to nil with
// cmp.Diff keeps large comparisons fast.
func eagerMismatches(want, got []float32, tol float64) []eagerMismatch {
	var out []eagerMismatch
	if len(want) != len(got) {
		return []eagerMismatch{{Index: -1, Want: float32(len(want)), Got: float32(len(got))}}
	}
	for i, w := range want {
		g := got[i]
		wn, gn := w != w, g != g
		bad := wn != gn
		if !wn && !gn && w != g {
			bad = math.Abs(float64(w)-float64(g)) > tol*math.Max(1, math.Abs(float64(w)))
		}
		if bad && len(out) < 10 {
			out = append(out, eagerMismatch{i, w, g})
		}
	}
	return out
}

// eagerF32 converts float64 reference results to float32.
func eagerF32(xs []float64) []float32 {
	out := make([]float32, len(xs))
	for i, x := range xs {
		out[i] = float32(x)
	}
	return out
}

// eagerF64 returns a tensor's data in float64.
func eagerF64(d *tensor.Dense) []float64 {
	src := d.Float32s()
	out := make([]float64, len(src))
	for i, x := range src {
		out[i] = float64(x)
	}
	return out
}

func TestEagerInputs(t *testing.T) {
	base := eagerT([]int{3, 4}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	colView, err := base.Slice(nil, tensor.S(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	rowView, err := base.Slice(tensor.S(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	transposed := base.Clone().(*tensor.Dense)
	if err := transposed.T(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   *tensor.Dense
		want eagerResult
	}{
		{"contiguous", base, eagerResult{[]int{3, 4}, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}},
		{"column view", colView.(*tensor.Dense), eagerResult{[]int{3, 2}, []float32{1, 2, 5, 6, 9, 10}}},
		{"row view", rowView.(*tensor.Dense), eagerResult{[]int{2, 4}, []float32{4, 5, 6, 7, 8, 9, 10, 11}}},
		{"transposed", transposed, eagerResult{[]int{4, 3}, []float32{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}}},
		{"scalar", eagerT(nil, 7), eagerResult{[]int{}, []float32{7}}},
		{"empty", eagerT([]int{0, 3}), eagerResult{[]int{0, 3}, []float32{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, op := range []string{"Param", "Const"} {
				e := NewEager()
				v := e.Param(tt.in)
				if op == "Const" {
					v = e.Const(tt.in)
				}
				// Scale by 1 forces a computed value, not the input itself.
				for _, got := range []eagerResult{eagerGet(t, e, v), eagerGet(t, e, e.Scale(v, 1))} {
					if diff := cmp.Diff(tt.want, got); diff != "" {
						t.Errorf("%s: (-want +got)\n%s", op, diff)
					}
				}
			}
		})
	}
}

func TestEagerDenseSharesInput(t *testing.T) {
	e := NewEager()
	p := eagerT([]int{2}, 1, 2)
	if got := e.Dense(e.Param(p)); got != p {
		t.Errorf("Dense(Param(p)) = %p, want p itself (%p)", got, p)
	}
}

func TestEagerInputErrors(t *testing.T) {
	tests := []struct {
		name string
		in   *tensor.Dense
		want []string
	}{
		{"nil", nil, []string{"Param", "nil tensor"}},
		{"float64", tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1, 2})), []string{"Param", "(2)", "float64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			v := e.Param(tt.in)
			eagerWantErr(t, e, tt.want...)
			// Later operations do nothing and keep the first error.
			e.Exp(v)
			eagerWantErr(t, e, tt.want...)
		})
	}
}

// eagerWantErr fails unless e has an error mentioning every part.
func eagerWantErr(t *testing.T, e *Eager, parts ...string) {
	t.Helper()
	err := e.Err()
	if err == nil {
		t.Fatalf("Err() = nil, want an error mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("Err() = %q, want it to mention %q", err, p)
		}
	}
}

// eagerForeign is a V of no executor.
type eagerForeign struct{}

func (eagerForeign) Shape() tensor.Shape { return tensor.Shape{2} }

func TestEagerStickyErrors(t *testing.T) {
	type ops func(e *Eager, a, b V) V
	tests := []struct {
		name      string
		a, b      []int
		op        ops
		want      []string
		wantShape []int
	}{
		{"Add", []int{2, 3}, []int{3, 2}, func(e *Eager, a, b V) V { return e.Add(a, b) }, []string{"Add", "(3, 2)", "(2, 3)"}, []int{2, 3}},
		{"Add bigger b", []int{3}, []int{2, 3}, func(e *Eager, a, b V) V { return e.Add(a, b) }, []string{"Add", "(2, 3)", "(3)"}, []int{3}},
		{"Mul lower rank not trailing", []int{2, 3}, []int{2}, func(e *Eager, a, b V) V { return e.Mul(a, b) }, []string{"Mul", "(2)", "(2, 3)"}, []int{2, 3}},
		{"Div size-1 trailing of lower rank", []int{2, 3}, []int{1}, func(e *Eager, a, b V) V { return e.Div(a, b) }, []string{"Div", "(1)", "(2, 3)"}, []int{2, 3}},
		{"MatMul", []int{2, 3}, []int{2, 3}, func(e *Eager, a, b V) V { return e.MatMul(a, b, false, false) }, []string{"MatMul", "(2, 3)"}, []int{2, 3}},
		{"MatMul batch", []int{2, 2, 3}, []int{3, 3, 2}, func(e *Eager, a, b V) V { return e.MatMul(a, b, false, false) }, []string{"MatMul", "(2, 2, 3)", "(3, 3, 2)"}, []int{2, 2, 2}},
		{"MatMul rank 1", []int{3}, []int{3}, func(e *Eager, a, b V) V { return e.MatMul(a, b, false, false) }, []string{"MatMul", "(3)"}, []int{0, 0}},
		{"Sum axis", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Sum(a, 2) }, []string{"Sum", "axis 2", "(2, 3)"}, []int{2, 3}},
		{"Max negative axis", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Max(a, -1) }, []string{"Max", "axis -1", "(2, 3)"}, []int{2, 3}},
		{"Reshape", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Reshape(a, 4, 2) }, []string{"Reshape", "(2, 3)", "(4, 2)"}, []int{4, 2}},
		{"Reshape negative", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Reshape(a, -1, 6) }, []string{"Reshape", "(2, 3)"}, []int{0, 6}},
		{"Transpose", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Transpose(a, 0, 0) }, []string{"Transpose", "[0 0]", "(2, 3)"}, []int{2, 3}},
		{"Concat", []int{2, 3}, []int{3, 3}, func(e *Eager, a, b V) V { return e.Concat(1, a, b) }, []string{"Concat", "(2, 3)", "(3, 3)"}, []int{2, 3}},
		{"Concat rank", []int{2, 3}, []int{2, 3, 1}, func(e *Eager, a, b V) V { return e.Concat(0, a, b) }, []string{"Concat", "(2, 3, 1)"}, []int{2, 3}},
		{"Slice", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Slice(a, 1, 1, 4) }, []string{"Slice", "[1,4)", "(2, 3)"}, []int{2, 3}},
		{"Gather id", []int{2, 3}, nil, func(e *Eager, a, _ V) V { return e.Gather(a, []int{0, 2}) }, []string{"Gather", "id 2", "(2, 3)"}, []int{2, 3}},
		{"Gather rank", []int{6}, nil, func(e *Eager, a, _ V) V { return e.Gather(a, []int{0}) }, []string{"Gather", "(6)"}, []int{1, 0}},
		{"Softmax scalar", []int{}, nil, func(e *Eager, a, _ V) V { return e.Softmax(a) }, []string{"Softmax", "()"}, []int{}},
		{"LayerNorm", []int{2, 3}, []int{2}, func(e *Eager, a, b V) V { return e.LayerNorm(a, b, nil, 1e-5) }, []string{"LayerNorm", "(2, 3)", "(2)"}, []int{2, 3}},
		{"LayerNorm beta", []int{2, 3}, []int{3}, func(e *Eager, a, b V) V { return e.LayerNorm(a, b, a, 1e-5) }, []string{"LayerNorm", "(2, 3)", "(3)"}, []int{2, 3}},
		{"RMSNorm", []int{2, 3}, []int{3, 1}, func(e *Eager, a, b V) V { return e.RMSNorm(a, b, 1e-5) }, []string{"RMSNorm", "(2, 3)", "(3, 1)"}, []int{2, 3}},
		{"Attention", []int{2, 4, 8}, []int{2, 5, 7}, func(e *Eager, a, b V) V { return e.Attention(a, b, b, nil, 1) }, []string{"Attention", "(2, 4, 8)", "(2, 5, 7)"}, []int{2, 4, 7}},
		{"Attention bias", []int{2, 4, 8}, []int{2, 5, 8}, func(e *Eager, a, b V) V { return e.Attention(a, b, b, e.Reshape(a, 8, 8), 1) }, []string{"Attention", "bias (8, 8)"}, []int{2, 4, 8}},
		{"foreign operand", []int{2}, nil, func(e *Eager, a, _ V) V { return e.Add(a, eagerForeign{}) }, []string{"Add", "eagerForeign"}, []int{2}},
		{"nil operand", []int{2}, nil, func(e *Eager, a, _ V) V { return e.Sigmoid(nil) }, []string{"Sigmoid", "<nil>"}, []int{}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			a := e.Const(eagerRand(rng, tt.a...))
			var b V
			if tt.b != nil {
				b = e.Const(eagerRand(rng, tt.b...))
			}
			got := tt.op(e, a, b)
			eagerWantErr(t, e, tt.want...)
			if diff := cmp.Diff(tt.wantShape, []int(got.Shape())); diff != "" {
				t.Errorf("placeholder shape (-want +got)\n%s", diff)
			}
			first := e.Err()
			// Every later operation is a no-op returning a plausible shape.
			x := e.Exp(e.MatMul(got, got, false, true))
			x = e.Softmax(e.Add(x, x))
			if diff := cmp.Diff(first.Error(), e.Err().Error()); diff != "" {
				t.Errorf("error changed (-want +got)\n%s", diff)
			}
			if d := e.Dense(x); d == nil || len(d.Float32s()) != x.Shape().TotalSize() {
				t.Errorf("Dense of a placeholder of shape %v = %v, want zeros of that shape", x.Shape(), d)
			}
		})
	}
}
