package nn

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

// errText returns err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestSplitAxis(t *testing.T) {
	cases := []struct {
		s               tensor.Shape
		axis            int
		outer, n, inner int
	}{
		{tensor.Shape{5}, 0, 1, 5, 1},
		{tensor.Shape{2, 3, 4}, 0, 1, 2, 12},
		{tensor.Shape{2, 3, 4}, 1, 2, 3, 4},
		{tensor.Shape{2, 3, 4}, 2, 6, 4, 1},
		{tensor.Shape{2, 0, 4}, 2, 0, 4, 1},
	}
	for _, c := range cases {
		o, n, i := SplitAxis(c.s, c.axis)
		if diff := cmp.Diff([]int{c.outer, c.n, c.inner}, []int{o, n, i}); diff != "" {
			t.Errorf("SplitAxis(%v, %d) (-want +got):\n%s", c.s, c.axis, diff)
		}
	}
}

func TestReshapeCheck(t *testing.T) {
	cases := []struct {
		from, to tensor.Shape
		err      string
	}{
		{tensor.Shape{2, 3}, tensor.Shape{3, 2}, ""},
		{tensor.Shape{2, 3}, tensor.Shape{6}, ""},
		{tensor.Shape{2, 0}, tensor.Shape{0, 5}, ""},
		{tensor.Shape{2, 3}, tensor.Shape{4, 2}, "cannot reshape (2, 3) into (4, 2)"},
		{tensor.Shape{2, 3}, tensor.Shape{-2, -3}, "cannot reshape (2, 3) into (-2, -3)"},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.err, errText(ReshapeCheck(c.from, c.to))); diff != "" {
			t.Errorf("ReshapeCheck(%v, %v) error (-want +got):\n%s", c.from, c.to, diff)
		}
	}
}

func TestTransposeShape(t *testing.T) {
	cases := []struct {
		s        tensor.Shape
		perm     []int
		want     tensor.Shape
		identity bool
		err      string
	}{
		{tensor.Shape{2, 3, 4}, []int{0, 1, 2}, tensor.Shape{2, 3, 4}, true, ""},
		{tensor.Shape{2, 3, 4}, []int{2, 0, 1}, tensor.Shape{4, 2, 3}, false, ""},
		{tensor.Shape{2, 3}, []int{1, 0}, tensor.Shape{3, 2}, false, ""},
		{tensor.Shape{2, 3}, []int{0, 0}, tensor.Shape{2, 3}, false, "permutation [0 0] does not fit shape (2, 3)"},
		{tensor.Shape{2, 3}, []int{0, 2}, tensor.Shape{2, 3}, false, "permutation [0 2] does not fit shape (2, 3)"},
		{tensor.Shape{2, 3}, []int{0}, tensor.Shape{2, 3}, false, "permutation [0] does not fit shape (2, 3)"},
	}
	for _, c := range cases {
		got, identity, err := TransposeShape(c.s, c.perm)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("TransposeShape(%v, %v) error (-want +got):\n%s", c.s, c.perm, diff)
		}
		if diff := cmp.Diff(c.want, got); diff != "" || identity != c.identity {
			t.Errorf("TransposeShape(%v, %v) identity %v, want %v, shape (-want +got):\n%s", c.s, c.perm, identity, c.identity, diff)
		}
	}
}

func TestConcatShape(t *testing.T) {
	cases := []struct {
		axis   int
		shapes []tensor.Shape
		want   tensor.Shape
		err    string
	}{
		{1, []tensor.Shape{{2, 3}, {2, 5}}, tensor.Shape{2, 8}, ""},
		{0, []tensor.Shape{{2, 3}, {1, 3}, {4, 3}}, tensor.Shape{7, 3}, ""},
		{0, []tensor.Shape{{2, 3}}, tensor.Shape{2, 3}, ""},
		{0, nil, tensor.Shape{}, "no values"},
		{2, []tensor.Shape{{2, 3}, {2, 3}}, tensor.Shape{2, 3}, "axis 2 out of range for shapes [(2, 3) (2, 3)]"},
		{1, []tensor.Shape{{2, 3}, {4, 3}}, tensor.Shape{2, 3}, "shapes [(2, 3) (4, 3)] do not agree off axis 1"},
		{0, []tensor.Shape{{2, 3}, {2, 3, 1}}, tensor.Shape{2, 3}, "shapes [(2, 3) (2, 3, 1)] do not agree off axis 0"},
	}
	for _, c := range cases {
		got, err := ConcatShape(c.axis, c.shapes)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("ConcatShape(%d, %v) error (-want +got):\n%s", c.axis, c.shapes, diff)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("ConcatShape(%d, %v) (-want +got):\n%s", c.axis, c.shapes, diff)
		}
	}
}

func TestSliceShape(t *testing.T) {
	cases := []struct {
		s                tensor.Shape
		axis, start, end int
		want             tensor.Shape
		err              string
	}{
		{tensor.Shape{4, 3}, 0, 1, 3, tensor.Shape{2, 3}, ""},
		{tensor.Shape{4, 3}, 1, 0, 3, tensor.Shape{4, 3}, ""},
		{tensor.Shape{4, 3}, 1, 2, 2, tensor.Shape{4, 0}, ""},
		{tensor.Shape{4, 3}, 1, 1, 5, tensor.Shape{4, 4}, "range [1,5) of axis 1 out of bounds for shape (4, 3)"},
		{tensor.Shape{4, 3}, 0, 3, 1, tensor.Shape{4, 3}, "range [3,1) of axis 0 out of bounds for shape (4, 3)"},
		{tensor.Shape{4, 3}, 2, 0, 1, tensor.Shape{4, 3}, "range [0,1) of axis 2 out of bounds for shape (4, 3)"},
		{tensor.Shape{4, 3}, 0, -1, 1, tensor.Shape{2, 3}, "range [-1,1) of axis 0 out of bounds for shape (4, 3)"},
	}
	for _, c := range cases {
		got, err := SliceShape(c.s, c.axis, c.start, c.end)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("SliceShape(%v, %d, %d, %d) error (-want +got):\n%s", c.s, c.axis, c.start, c.end, diff)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("SliceShape(%v, %d, %d, %d) (-want +got):\n%s", c.s, c.axis, c.start, c.end, diff)
		}
	}
}

func TestGatherShape(t *testing.T) {
	cases := []struct {
		table tensor.Shape
		ids   []int
		want  tensor.Shape
		err   string
	}{
		{tensor.Shape{5, 4}, []int{0, 4, 4}, tensor.Shape{3, 4}, ""},
		{tensor.Shape{5, 4}, nil, tensor.Shape{0, 4}, ""},
		{tensor.Shape{5, 4}, []int{1, 5}, tensor.Shape{2, 4}, "id 5 at position 1 out of range for table of shape (5, 4)"},
		{tensor.Shape{5, 4}, []int{-1}, tensor.Shape{1, 4}, "id -1 at position 0 out of range for table of shape (5, 4)"},
		{tensor.Shape{5, 4, 2}, []int{0}, tensor.Shape{1, 0}, "table of shape (5, 4, 2) is not 2-D"},
	}
	for _, c := range cases {
		got, err := GatherShape(c.table, c.ids)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("GatherShape(%v, %v) error (-want +got):\n%s", c.table, c.ids, diff)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("GatherShape(%v, %v) (-want +got):\n%s", c.table, c.ids, diff)
		}
	}
}

func TestMatMulShape(t *testing.T) {
	cases := []struct {
		a, b           tensor.Shape
		transA, transB bool
		want           tensor.Shape
		k              int
		err            string
	}{
		{tensor.Shape{2, 3}, tensor.Shape{3, 4}, false, false, tensor.Shape{2, 4}, 3, ""},
		{tensor.Shape{3, 2}, tensor.Shape{3, 4}, true, false, tensor.Shape{2, 4}, 3, ""},
		{tensor.Shape{2, 3}, tensor.Shape{4, 3}, false, true, tensor.Shape{2, 4}, 3, ""},
		{tensor.Shape{5, 2, 3}, tensor.Shape{5, 4, 3}, false, true, tensor.Shape{5, 2, 4}, 3, ""},
		{tensor.Shape{2, 7}, tensor.Shape{7, 4}, false, false, tensor.Shape{2, 4}, 7, ""},
		{tensor.Shape{2, 3}, tensor.Shape{2, 4}, false, false, tensor.Shape{2, 4}, 3,
			"shapes (2, 3) and (2, 4) (transA=false, transB=false) do not multiply"},
		{tensor.Shape{5, 2, 3}, tensor.Shape{6, 3, 4}, false, false, tensor.Shape{5, 2, 4}, 3,
			"shapes (5, 2, 3) and (6, 3, 4) (transA=false, transB=false) do not multiply"},
		{tensor.Shape{2, 3}, tensor.Shape{1, 3, 4}, false, false, tensor.Shape{2, 4}, 3,
			"shapes (2, 3) and (1, 3, 4) (transA=false, transB=false) do not multiply"},
		{tensor.Shape{3}, tensor.Shape{3}, false, false, tensor.Shape{0, 0}, 0,
			"shapes (3) and (3) (transA=false, transB=false) do not multiply"},
	}
	for _, c := range cases {
		got, k, err := MatMulShape(c.a, c.b, c.transA, c.transB)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("MatMulShape(%v, %v, %v, %v) error (-want +got):\n%s", c.a, c.b, c.transA, c.transB, diff)
		}
		if diff := cmp.Diff(c.want, got); diff != "" || k != c.k {
			t.Errorf("MatMulShape(%v, %v, %v, %v) k %d, want %d, shape (-want +got):\n%s", c.a, c.b, c.transA, c.transB, k, c.k, diff)
		}
	}
}

func TestReduceShape(t *testing.T) {
	cases := []struct {
		s    tensor.Shape
		axis int
		want tensor.Shape
		err  string
	}{
		{tensor.Shape{4, 3}, 1, tensor.Shape{4, 1}, ""},
		{tensor.Shape{4, 3}, 0, tensor.Shape{1, 3}, ""},
		{tensor.Shape{4, 3}, 2, tensor.Shape{4, 3}, "axis 2 out of range for shape (4, 3)"},
		{tensor.Shape{4, 3}, -1, tensor.Shape{4, 3}, "axis -1 out of range for shape (4, 3)"},
	}
	for _, c := range cases {
		got, err := ReduceShape(c.s, c.axis)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("ReduceShape(%v, %d) error (-want +got):\n%s", c.s, c.axis, diff)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("ReduceShape(%v, %d) (-want +got):\n%s", c.s, c.axis, diff)
		}
	}
}

func TestBroadcastPlan(t *testing.T) {
	cases := []struct {
		a, b          tensor.Shape
		dims, bStride []int
		err           string
	}{
		{tensor.Shape{2, 3}, tensor.Shape{2, 3}, []int{6}, []int{1}, ""},
		{tensor.Shape{2, 3, 4}, tensor.Shape{4}, []int{6, 4}, []int{0, 1}, ""},
		{tensor.Shape{2, 3, 4}, tensor.Shape{3, 4}, []int{2, 12}, []int{0, 1}, ""},
		{tensor.Shape{2, 3, 4}, tensor.Shape{2, 1, 4}, []int{2, 3, 4}, []int{4, 0, 1}, ""},
		{tensor.Shape{2, 3, 4}, tensor.Shape{2, 3, 1}, []int{6, 4}, []int{1, 0}, ""},
		{tensor.Shape{1, 1}, tensor.Shape{1, 1}, []int{1}, []int{1}, ""},
		{tensor.Shape{1, 3}, tensor.Shape{1, 1}, []int{3}, []int{0}, ""},
		{tensor.Shape{2, 3}, tensor.Shape{2}, nil, nil, "shape (2) does not broadcast against (2, 3)"},
		{tensor.Shape{2, 3}, tensor.Shape{1, 2, 3}, nil, nil, "shape (1, 2, 3) does not broadcast against (2, 3)"},
		{tensor.Shape{2, 3, 4}, tensor.Shape{1, 4}, nil, nil, "shape (1, 4) does not broadcast against (2, 3, 4)"},
	}
	for _, c := range cases {
		dims, bStride, err := BroadcastPlan(c.a, c.b)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("BroadcastPlan(%v, %v) error (-want +got):\n%s", c.a, c.b, diff)
		}
		if diff := cmp.Diff([][]int{c.dims, c.bStride}, [][]int{dims, bStride}); diff != "" {
			t.Errorf("BroadcastPlan(%v, %v) dims, bStride (-want +got):\n%s", c.a, c.b, diff)
		}
	}
}

func TestAttentionShape(t *testing.T) {
	const want = " do not agree (want q (B,Lq,dh), k (B,Lk,dh), v (B,Lk,dv), bias (Lq,Lk), (B,Lq,Lk) or nil)"
	cases := []struct {
		q, k, v, bias tensor.Shape
		hasBias       bool
		shape         tensor.Shape
		batched       bool
		err           string
	}{
		{tensor.Shape{2, 5, 8}, tensor.Shape{2, 7, 8}, tensor.Shape{2, 7, 4}, nil, false, tensor.Shape{2, 5, 4}, false, ""},
		{tensor.Shape{2, 5, 8}, tensor.Shape{2, 7, 8}, tensor.Shape{2, 7, 4}, tensor.Shape{5, 7}, true, tensor.Shape{2, 5, 4}, false, ""},
		{tensor.Shape{2, 5, 8}, tensor.Shape{2, 7, 8}, tensor.Shape{2, 7, 4}, tensor.Shape{2, 5, 7}, true, tensor.Shape{2, 5, 4}, true, ""},
		{tensor.Shape{2, 5, 8}, tensor.Shape{2, 7, 8}, tensor.Shape{2, 7, 4}, tensor.Shape{7, 5}, true, tensor.Shape{2, 5, 4}, false,
			"q (2, 5, 8), k (2, 7, 8), v (2, 7, 4) and bias (7, 5)" + want},
		{tensor.Shape{2, 5, 8}, tensor.Shape{2, 7, 6}, tensor.Shape{2, 7, 4}, nil, false, tensor.Shape{2, 5, 4}, false,
			"q (2, 5, 8), k (2, 7, 6), v (2, 7, 4) and bias ()" + want},
		{tensor.Shape{5, 8}, tensor.Shape{7, 8}, tensor.Shape{7, 4}, nil, false, tensor.Shape{5, 8}, false,
			"q (5, 8), k (7, 8), v (7, 4) and bias ()" + want},
	}
	for _, c := range cases {
		shape, batched, err := AttentionShape(c.q, c.k, c.v, c.bias, c.hasBias)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("AttentionShape(%v, %v, %v, %v) error (-want +got):\n%s", c.q, c.k, c.v, c.bias, diff)
		}
		if diff := cmp.Diff(c.shape, shape); diff != "" || batched != c.batched {
			t.Errorf("AttentionShape(%v, %v, %v, %v) batched %v, want %v, shape (-want +got):\n%s", c.q, c.k, c.v, c.bias, batched, c.batched, diff)
		}
	}
}

func TestInputData(t *testing.T) {
	base := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{0, 1, 2, 3, 4, 5}))
	view, err := base.Slice(nil, tensor.S(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	f64 := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1, 2}))
	cases := []struct {
		name string
		in   *tensor.Dense
		want []float32
		err  string
	}{
		{"contiguous", base, []float32{0, 1, 2, 3, 4, 5}, ""},
		{"view", view.(*tensor.Dense), []float32{1, 2, 4, 5}, ""},
		{"nil", nil, nil, "nil tensor"},
		{"float64", f64, nil, "tensor of shape (2) has dtype float64, want float32"},
	}
	for _, c := range cases {
		data, src, err := InputData(c.in)
		if diff := cmp.Diff(c.err, errText(err)); diff != "" {
			t.Errorf("%s: InputData error (-want +got):\n%s", c.name, diff)
		}
		if diff := cmp.Diff(c.want, data); diff != "" {
			t.Errorf("%s: InputData data (-want +got):\n%s", c.name, diff)
		}
		if err == nil && (src == nil || src.RequiresIterator()) {
			t.Errorf("%s: InputData returned tensor %v, want a contiguous one", c.name, src)
		}
	}
}

func TestRowChecks(t *testing.T) {
	const ln = " do not agree (want gamma and beta (D) for input (...,D))"
	const rms = " do not agree (want gamma (D) for input (...,D))"
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"softmax (2,3)", SoftmaxCheck(tensor.Shape{2, 3}), ""},
		{"softmax ()", SoftmaxCheck(tensor.Shape{}), "shape () has no last axis"},
		{"layernorm", LayerNormCheck(tensor.Shape{2, 4}, tensor.Shape{4}, tensor.Shape{4}, true), ""},
		{"layernorm no beta", LayerNormCheck(tensor.Shape{2, 4}, tensor.Shape{4}, nil, false), ""},
		{"layernorm bad gamma", LayerNormCheck(tensor.Shape{2, 4}, tensor.Shape{3}, nil, false),
			"input (2, 4), gamma (3) and beta ()" + ln},
		{"layernorm bad beta", LayerNormCheck(tensor.Shape{2, 4}, tensor.Shape{4}, tensor.Shape{1, 4}, true),
			"input (2, 4), gamma (4) and beta (1, 4)" + ln},
		{"layernorm scalar", LayerNormCheck(tensor.Shape{}, tensor.Shape{1}, nil, false),
			"input (), gamma (1) and beta ()" + ln},
		{"rmsnorm", RMSNormCheck(tensor.Shape{3, 5}, tensor.Shape{5}), ""},
		{"rmsnorm bad gamma", RMSNormCheck(tensor.Shape{3, 5}, tensor.Shape{3}), "input (3, 5) and gamma (3)" + rms},
		{"rmsnorm scalar", RMSNormCheck(tensor.Shape{}, tensor.Shape{}), "input () and gamma ()" + rms},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, errText(c.err)); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s", c.name, diff)
		}
	}
}
