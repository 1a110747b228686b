package nntest

import (
	"fmt"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

func ones(shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = 1
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// errorCase makes one operation fail; the error must name every shape in
// shapes.
type errorCase struct {
	name   string
	shapes [][]int
	build  func(e nn.Exec) nn.V
}

func errorCases() []errorCase {
	c := func(e nn.Exec, shape ...int) nn.V { return e.Const(ones(shape...)) }
	p := func(e nn.Exec, shape ...int) nn.V { return e.Param(ones(shape...)) }
	return []errorCase{
		{"Add", [][]int{{2, 3}, {3, 2}}, func(e nn.Exec) nn.V { return e.Add(p(e, 2, 3), c(e, 3, 2)) }},
		{"Sub/rank", [][]int{{2, 3, 4}, {3, 1}}, func(e nn.Exec) nn.V { return e.Sub(p(e, 2, 3, 4), p(e, 3, 1)) }},
		{"Mul/b-larger", [][]int{{4}, {3, 4}}, func(e nn.Exec) nn.V { return e.Mul(p(e, 4), p(e, 3, 4)) }},
		{"Div/trailing", [][]int{{2, 3, 4}, {2, 3}}, func(e nn.Exec) nn.V { return e.Div(p(e, 2, 3, 4), c(e, 2, 3)) }},
		{"MatMul/inner", [][]int{{2, 3}, {4, 5}}, func(e nn.Exec) nn.V { return e.MatMul(p(e, 2, 3), p(e, 4, 5), false, false) }},
		{"MatMul/trans", [][]int{{2, 3}, {2, 3}}, func(e nn.Exec) nn.V { return e.MatMul(p(e, 2, 3), p(e, 2, 3), false, false) }},
		{"MatMul/batch", [][]int{{2, 3, 4}, {3, 4, 5}}, func(e nn.Exec) nn.V { return e.MatMul(p(e, 2, 3, 4), p(e, 3, 4, 5), false, false) }},
		{"Reshape", [][]int{{2, 3}, {4, 2}}, func(e nn.Exec) nn.V { return e.Reshape(p(e, 2, 3), 4, 2) }},
		{"Concat", [][]int{{2, 3}, {2, 4}}, func(e nn.Exec) nn.V { return e.Concat(0, p(e, 2, 3), p(e, 2, 4)) }},
		{"Transpose", [][]int{{2, 3}}, func(e nn.Exec) nn.V { return e.Transpose(p(e, 2, 3), 0, 0) }},
		{"Slice", [][]int{{2, 3}}, func(e nn.Exec) nn.V { return e.Slice(p(e, 2, 3), 1, 1, 4) }},
		{"Sum/axis", [][]int{{2, 3}}, func(e nn.Exec) nn.V { return e.Sum(p(e, 2, 3), 2) }},
		{"Max/axis", [][]int{{2, 3}}, func(e nn.Exec) nn.V { return e.Max(p(e, 2, 3), 5) }},
		{"Gather/id", [][]int{{4, 3}}, func(e nn.Exec) nn.V { return e.Gather(p(e, 4, 3), []int{1, 4}) }},
		{"Linear/width", [][]int{{2, 5}, {4, 3}}, func(e nn.Exec) nn.V {
			l := &nn.Linear{W: ones(4, 3)}
			return l.Forward(e, c(e, 2, 5))
		}},
		{"Attention/bias", [][]int{{3, 3}}, func(e nn.Exec) nn.V {
			q := c(e, 2, 4, 8)
			return nn.ScaledDotProductAttention(e, q, q, q, c(e, 3, 3), 1)
		}},
	}
}

// RunErrors checks the sticky-error contract of nn.Exec: an operation on
// mismatched shapes records an error naming the shapes involved (in any of
// the formats of mentionsShape), and later operations on the placeholder
// values do not panic and keep the first error.
func RunErrors(t *testing.T, newExec func() nn.Exec) {
	t.Helper()
	for _, ec := range errorCases() {
		t.Run("errors/"+ec.name, func(t *testing.T) {
			e := newExec()
			if err := e.Err(); err != nil {
				t.Fatalf("fresh executor has error %v", err)
			}
			var out nn.V
			if msg := noPanic(func() { out = ec.build(e) }); msg != "" {
				t.Fatalf("panicked: %s", msg)
			}
			first := e.Err()
			if first == nil {
				t.Fatalf("no error recorded")
			}
			for _, s := range ec.shapes {
				if !mentionsShape(first.Error(), s) {
					t.Errorf("error %q does not name shape %v", first, tensor.Shape(s))
				}
			}
			if out == nil {
				t.Fatalf("failed operation returned a nil value")
			}
			if msg := noPanic(func() { useAll(e, out) }); msg != "" {
				t.Fatalf("operations after the error panicked: %s", msg)
			}
			if err := e.Err(); err == nil || err.Error() != first.Error() {
				t.Errorf("error after more operations: %v, want the first one %v", err, first)
			}
		})
	}
	t.Run("errors/Param-dtype", func(t *testing.T) {
		e := newExec()
		bad := tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1, 2}))
		if msg := noPanic(func() { e.Param(bad) }); msg != "" {
			t.Fatalf("Param of a float64 tensor panicked: %s", msg)
		}
		if e.Err() == nil {
			t.Errorf("Param of a float64 tensor recorded no error")
		}
	})
}

// noPanic runs f and returns the panic message, or "".
func noPanic(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// useAll runs every primitive and a few layers on v (a placeholder after
// an error) and on fresh inputs, checking nothing.
func useAll(e nn.Exec, v nn.V) {
	x := e.Const(ones(2, 3))
	w := e.Param(ones(3, 3))
	var vs []nn.V
	for _, a := range []nn.V{v, x} {
		vs = append(vs,
			e.Add(a, a), e.Sub(a, x), e.Mul(a, w), e.Div(a, a),
			e.Scale(a, 2), e.AddScalar(a, 1),
			e.Exp(a), e.Log(a), e.Sqrt(a), e.Square(a), e.Tanh(a), e.Sigmoid(a),
			e.MatMul(a, w, false, false), e.MatMul(a, a, true, false),
			e.Sum(a, 0), e.Mean(a, 1), e.Max(a, 0),
			e.Reshape(a, 6), e.Transpose(a, 1, 0), e.Concat(0, a, x),
			e.Slice(a, 0, 0, 1), e.Gather(a, []int{0, 1}),
			nn.Softmax(e, a, 1), nn.GELU(e, a), nn.SiLU(e, a),
			nn.LayerNormOf(e, a, nil, nil, 1e-5),
		)
	}
	for _, r := range vs {
		if r == nil {
			panic("an operation returned a nil value")
		}
		_ = r.Shape()
	}
}
