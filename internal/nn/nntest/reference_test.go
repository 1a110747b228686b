package nntest

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

func dense(shape []int, data ...float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// TestReferenceValues checks the reference executor itself against results
// worked out by hand.
func TestReferenceValues(t *testing.T) {
	a := dense([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	tests := []struct {
		name      string
		build     func(r *Reference) nn.V
		wantShape []int
		want      []float64
	}{
		{"Add/row-broadcast", func(r *Reference) nn.V { return r.Add(r.Const(a), r.Const(dense([]int{3}, 10, 20, 30))) },
			[]int{2, 3}, []float64{11, 22, 33, 14, 25, 36}},
		{"Sub/column-broadcast", func(r *Reference) nn.V { return r.Sub(r.Const(a), r.Const(dense([]int{2, 1}, 1, 2))) },
			[]int{2, 3}, []float64{0, 1, 2, 2, 3, 4}},
		{"MatMul/transB", func(r *Reference) nn.V { return r.MatMul(r.Const(a), r.Const(a), false, true) },
			[]int{2, 2}, []float64{14, 32, 32, 77}},
		{"MatMul/transA", func(r *Reference) nn.V { return r.MatMul(r.Const(a), r.Const(a), true, false) },
			[]int{3, 3}, []float64{17, 22, 27, 22, 29, 36, 27, 36, 45}},
		{"Sum/axis0", func(r *Reference) nn.V { return r.Sum(r.Const(a), 0) }, []int{1, 3}, []float64{5, 7, 9}},
		{"Mean/axis1", func(r *Reference) nn.V { return r.Mean(r.Const(a), 1) }, []int{2, 1}, []float64{2, 5}},
		{"Max/axis0", func(r *Reference) nn.V { return r.Max(r.Const(a), 0) }, []int{1, 3}, []float64{4, 5, 6}},
		{"Transpose", func(r *Reference) nn.V { return r.Transpose(r.Const(a), 1, 0) }, []int{3, 2}, []float64{1, 4, 2, 5, 3, 6}},
		{"Concat/axis1", func(r *Reference) nn.V { return r.Concat(1, r.Const(a), r.Const(dense([]int{2, 1}, 7, 8))) },
			[]int{2, 4}, []float64{1, 2, 3, 7, 4, 5, 6, 8}},
		{"Slice/axis1", func(r *Reference) nn.V { return r.Slice(r.Const(a), 1, 1, 3) }, []int{2, 2}, []float64{2, 3, 5, 6}},
		{"Gather", func(r *Reference) nn.V { return r.Gather(r.Const(a), []int{1, 1, 0}) }, []int{3, 3}, []float64{4, 5, 6, 4, 5, 6, 1, 2, 3}},
		{"Softmax", func(r *Reference) nn.V { return nn.Softmax(r, r.Const(dense([]int{1, 2}, 0, float32(math.Log(3)))), 1) },
			[]int{1, 2}, []float64{0.25, 0.75}},
		{"MeanPool/all-zero-mask", func(r *Reference) nn.V {
			return nn.MeanPool(r, r.Const(dense([]int{2, 2, 1}, 1, 3, 5, 7)), 1, dense([]int{2, 2}, 1, 1, 0, 0))
		}, []int{2, 1}, []float64{2, 0}},
		{"CrossEntropy/uniform", func(r *Reference) nn.V { return nn.CrossEntropy(r, r.Const(dense([]int{1, 4})), []int{2}) },
			[]int{1}, []float64{math.Log(4)}},
	}
	opt := cmpopts.EquateApprox(0, 1e-6)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReference()
			out := tc.build(r)
			if err := r.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantShape, []int(out.Shape())); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, r.Float64s(out), opt); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReferenceConformance runs the suite on the reference itself: it must
// agree with itself exactly and fulfil the error contract.
func TestReferenceConformance(t *testing.T) {
	RunConformance(t, "reference", func() nn.Exec { return NewReference() }, func(e nn.Exec, v nn.V) ([]float32, error) {
		f := e.(*Reference).Float64s(v)
		out := make([]float32, len(f))
		for i, x := range f {
			out[i] = float32(x)
		}
		return out, nil
	})
}

// TestNumericGrad checks the finite-difference helper on derivatives known
// in closed form: d/dx sum(exp(x) r) = exp(x) r and d/dA sum(A B * R) = R B^T.
func TestNumericGrad(t *testing.T) {
	x := dense([]int{3}, -1, 0.5, 2)
	r := dense([]int{3}, 0.3, -2, 1)
	got, err := NumericGrad(Case{Params: []*tensor.Dense{x}, Build: func(e nn.Exec) nn.V { return e.Exp(e.Param(x)) }}, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{float64(float32(0.3)) * math.Exp(-1), -2 * math.Exp(0.5), math.Exp(2)}
	if diff := cmp.Diff(want, got[0], cmpopts.EquateApprox(1e-8, 0)); diff != "" {
		t.Errorf("exp gradient (-want +got):\n%s", diff)
	}

	a := dense([]int{1, 2}, 1, 2)
	b := dense([]int{2, 2}, 3, 4, 5, 6)
	rr := dense([]int{1, 2}, 1, -1)
	got, err = NumericGrad(Case{Params: []*tensor.Dense{a, b}, Build: func(e nn.Exec) nn.V {
		return e.MatMul(e.Param(a), e.Param(b), false, false)
	}}, rr)
	if err != nil {
		t.Fatal(err)
	}
	// dA = R B^T = [3-4, 5-6]; dB = A^T R = [[1,-1],[2,-2]].
	if diff := cmp.Diff([][]float64{{-1, -1}, {1, -1, 2, -2}}, got, cmpopts.EquateApprox(0, 1e-8)); diff != "" {
		t.Errorf("matmul gradients (-want +got):\n%s", diff)
	}
}

func TestRelErr(t *testing.T) {
	tests := []struct {
		name string
		got  []float32
		want []float64
		re   float64
	}{
		{"equal", []float32{1, 2}, []float64{1, 2}, 0},
		{"scaled", []float32{3, 4}, []float64{3 * 1.5, 4 * 1.5}, 0.5 / 1.5},
		{"nan", []float32{float32(math.NaN())}, []float64{1}, math.Inf(1)},
		{"length", []float32{1}, []float64{1, 2}, math.Inf(1)},
		{"floor", []float32{1e-3}, []float64{0}, 1e-3 / 1e-2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.re, RelErr(tc.got, tc.want, 1e-2), cmpopts.EquateApprox(1e-6, 0)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
