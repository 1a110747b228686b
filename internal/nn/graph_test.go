package nn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

// dense makes a float32 tensor; no dims means shape ().
func dense(data []float32, shape ...int) *tensor.Dense {
	if len(shape) == 0 {
		return tensor.New(tensor.FromScalar(data[0]))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float32(nil), data...)))
}

// runValue runs g and returns v's shape and elements.
func runValue(t *testing.T, g *Graph, v V) ([]int, []float32) {
	t.Helper()
	if err := g.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	d := g.Value(v)
	if d == nil {
		t.Fatal("Value is nil after Run")
	}
	return []int(d.Shape()), append([]float32(nil), d.Float32s()...)
}

func TestGraphForward(t *testing.T) {
	m23 := func() *tensor.Dense { return dense([]float32{1, 2, 3, 4, 5, 6}, 2, 3) }
	tests := []struct {
		name      string
		f         func(g *Graph) V
		wantShape []int
		want      []float32
	}{
		{"Add/same", func(g *Graph) V { return g.Add(g.Const(m23()), g.Const(m23())) }, []int{2, 3}, []float32{2, 4, 6, 8, 10, 12}},
		{"Add/bias", func(g *Graph) V { return g.Add(g.Const(m23()), g.Const(dense([]float32{10, 20, 30}, 3))) }, []int{2, 3}, []float32{11, 22, 33, 14, 25, 36}},
		{"Add/col", func(g *Graph) V { return g.Add(g.Const(m23()), g.Const(dense([]float32{10, 20}, 2, 1))) }, []int{2, 3}, []float32{11, 12, 13, 24, 25, 26}},
		{"Add/scalar", func(g *Graph) V { return g.Add(g.Const(m23()), g.Const(dense([]float32{1}))) }, []int{2, 3}, []float32{2, 3, 4, 5, 6, 7}},
		{"Sub/row", func(g *Graph) V { return g.Sub(g.Const(m23()), g.Const(dense([]float32{1, 2, 3}, 1, 3))) }, []int{2, 3}, []float32{0, 0, 0, 3, 3, 3}},
		{"Mul/col", func(g *Graph) V { return g.Mul(g.Const(m23()), g.Const(dense([]float32{2, -1}, 2, 1))) }, []int{2, 3}, []float32{2, 4, 6, -4, -5, -6}},
		{"Div/bias", func(g *Graph) V { return g.Div(g.Const(m23()), g.Const(dense([]float32{1, 2, 4}, 3))) }, []int{2, 3}, []float32{1, 1, 0.75, 4, 2.5, 1.5}},
		{"Scale", func(g *Graph) V { return g.Scale(g.Const(m23()), 0.5) }, []int{2, 3}, []float32{0.5, 1, 1.5, 2, 2.5, 3}},
		{"AddScalar", func(g *Graph) V { return g.AddScalar(g.Const(m23()), -1) }, []int{2, 3}, []float32{0, 1, 2, 3, 4, 5}},
		{"Exp", func(g *Graph) V { return g.Exp(g.Const(dense([]float32{0}, 1))) }, []int{1}, []float32{1}},
		{"Log", func(g *Graph) V { return g.Log(g.Const(dense([]float32{1}, 1))) }, []int{1}, []float32{0}},
		{"Sqrt", func(g *Graph) V { return g.Sqrt(g.Const(dense([]float32{4, 9}, 2))) }, []int{2}, []float32{2, 3}},
		{"Square", func(g *Graph) V { return g.Square(g.Const(dense([]float32{-3, 2}, 2))) }, []int{2}, []float32{9, 4}},
		{"Tanh", func(g *Graph) V { return g.Tanh(g.Const(dense([]float32{0}, 1))) }, []int{1}, []float32{0}},
		{"Sigmoid", func(g *Graph) V { return g.Sigmoid(g.Const(dense([]float32{0, -200, 200}, 3))) }, []int{3}, []float32{0.5, 0, 1}},
		{"MatMul", func(g *Graph) V {
			return g.MatMul(g.Const(m23()), g.Const(dense([]float32{1, 0, 0, 1, 1, 1}, 3, 2)), false, false)
		}, []int{2, 2}, []float32{4, 5, 10, 11}},
		{"MatMul/transA", func(g *Graph) V { return g.MatMul(g.Const(m23()), g.Const(m23()), true, false) }, []int{3, 3},
			[]float32{17, 22, 27, 22, 29, 36, 27, 36, 45}},
		{"MatMul/transB", func(g *Graph) V { return g.MatMul(g.Const(m23()), g.Const(m23()), false, true) }, []int{2, 2},
			[]float32{14, 32, 32, 77}},
		{"MatMul/batch", func(g *Graph) V {
			a := g.Const(dense([]float32{1, 2, 3, 4}, 2, 1, 2))
			b := g.Const(dense([]float32{1, 1, 2, 0}, 2, 2, 1))
			return g.MatMul(a, b, false, false)
		}, []int{2, 1, 1}, []float32{3, 6}},
		{"Sum/0", func(g *Graph) V { return g.Sum(g.Const(m23()), 0) }, []int{1, 3}, []float32{5, 7, 9}},
		{"Sum/1", func(g *Graph) V { return g.Sum(g.Const(m23()), 1) }, []int{2, 1}, []float32{6, 15}},
		{"Mean/1", func(g *Graph) V { return g.Mean(g.Const(m23()), 1) }, []int{2, 1}, []float32{2, 5}},
		{"Max/0", func(g *Graph) V { return g.Max(g.Const(dense([]float32{1, 9, 3, 4, 5, 6}, 2, 3)), 0) }, []int{1, 3}, []float32{4, 9, 6}},
		{"Max/1", func(g *Graph) V { return g.Max(g.Const(dense([]float32{1, 9, 3, -4, -5, -6}, 2, 3)), 1) }, []int{2, 1}, []float32{9, -4}},
		{"Reshape", func(g *Graph) V { return g.Reshape(g.Const(m23()), 3, 2) }, []int{3, 2}, []float32{1, 2, 3, 4, 5, 6}},
		{"Reshape/scalar", func(g *Graph) V { return g.Reshape(g.Const(dense([]float32{7}, 1, 1))) }, []int{}, []float32{7}},
		{"Transpose", func(g *Graph) V { return g.Transpose(g.Const(m23()), 1, 0) }, []int{3, 2}, []float32{1, 4, 2, 5, 3, 6}},
		{"Transpose/3d", func(g *Graph) V {
			return g.Transpose(g.Const(dense([]float32{0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2)), 2, 0, 1)
		}, []int{2, 2, 2}, []float32{0, 2, 4, 6, 1, 3, 5, 7}},
		{"Concat/0", func(g *Graph) V { return g.Concat(0, g.Const(m23()), g.Const(dense([]float32{7, 8, 9}, 1, 3))) }, []int{3, 3},
			[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"Concat/1", func(g *Graph) V { return g.Concat(1, g.Const(m23()), g.Const(dense([]float32{7, 8}, 2, 1))) }, []int{2, 4},
			[]float32{1, 2, 3, 7, 4, 5, 6, 8}},
		{"Slice/1", func(g *Graph) V { return g.Slice(g.Const(m23()), 1, 1, 3) }, []int{2, 2}, []float32{2, 3, 5, 6}},
		{"Slice/0", func(g *Graph) V { return g.Slice(g.Const(m23()), 0, 1, 2) }, []int{1, 3}, []float32{4, 5, 6}},
		{"Gather", func(g *Graph) V { return g.Gather(g.Const(m23()), []int{1, 1, 0}) }, []int{3, 3}, []float32{4, 5, 6, 4, 5, 6, 1, 2, 3}},
		{"Transpose+Reshape", func(g *Graph) V { return g.Reshape(g.Transpose(g.Const(m23()), 1, 0), 6) }, []int{6}, []float32{1, 4, 2, 5, 3, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph()
			v := tt.f(g)
			if err := g.Err(); err != nil {
				t.Fatalf("build: %v", err)
			}
			if diff := cmp.Diff(tt.wantShape, []int(v.Shape())); diff != "" {
				t.Errorf("V.Shape (-want +got):\n%s", diff)
			}
			shape, got := runValue(t, g, v)
			if diff := cmp.Diff(tt.wantShape, shape); diff != "" {
				t.Errorf("Value shape (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b float32) bool {
				d := a - b
				return d < 1e-6 && d > -1e-6
			})); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		name    string
		f       func(g *Graph) V
		mention []string // substrings the error must contain
		shape   []int    // placeholder shape
	}{
		{"Add", func(g *Graph) V {
			return g.Add(g.Const(dense(make([]float32, 6), 2, 3)), g.Const(dense(make([]float32, 2), 2)))
		},
			[]string{"Add", "(2,3)", "(2)"}, []int{2, 3}},
		{"MatMul", func(g *Graph) V {
			return g.MatMul(g.Const(dense(make([]float32, 6), 2, 3)), g.Const(dense(make([]float32, 8), 4, 2)), false, false)
		}, []string{"MatMul", "(2,3)", "(4,2)"}, []int{2, 2}},
		{"Reshape", func(g *Graph) V { return g.Reshape(g.Const(dense(make([]float32, 6), 2, 3)), 4) }, []string{"Reshape", "(2,3)", "(4)"}, []int{4}},
		{"Sum/axis", func(g *Graph) V { return g.Sum(g.Const(dense(make([]float32, 6), 2, 3)), 2) }, []string{"Sum", "axis 2"}, []int{2, 3}},
		{"Slice", func(g *Graph) V { return g.Slice(g.Const(dense(make([]float32, 6), 2, 3)), 1, 2, 5) }, []string{"Slice", "(2,3)"}, []int{2, 3}},
		{"Gather", func(g *Graph) V { return g.Gather(g.Const(dense(make([]float32, 6), 2, 3)), []int{0, 2}) }, []string{"Gather", "id 2"}, []int{2, 3}},
		{"Transpose", func(g *Graph) V { return g.Transpose(g.Const(dense(make([]float32, 6), 2, 3)), 1, 1) }, []string{"Transpose", "(2,3)"}, []int{2, 3}},
		{"Concat", func(g *Graph) V {
			return g.Concat(1, g.Const(dense(make([]float32, 6), 2, 3)), g.Const(dense(make([]float32, 3), 3, 1)))
		}, []string{"Concat", "(2,3)", "(3,1)"}, []int{2, 4}},
		{"Param/dtype", func(g *Graph) V {
			return g.Param(tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{1, 2})))
		}, []string{"Param", "float64"}, []int{2}},
		{"Foreign", func(g *Graph) V { return g.Exp(NewGraph().Const(dense([]float32{1}, 1))) }, []string{"Exp", "another graph"}, []int{1}},
		{"Nil", func(g *Graph) V { return g.Tanh(nil) }, []string{"Tanh", "nil"}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph()
			v := tt.f(g)
			err := g.Err()
			if err == nil {
				t.Fatal("no error recorded")
			}
			for _, m := range tt.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if diff := cmp.Diff(tt.shape, []int(v.Shape())); diff != "" {
				t.Errorf("placeholder shape (-want +got):\n%s", diff)
			}
			// Later operations do nothing and keep the first error.
			w := g.Add(g.MatMul(v, v, false, true), g.Const(dense([]float32{1}, 1)))
			if w == nil {
				t.Fatal("operation after an error returned nil")
			}
			if got := g.Err(); got != err {
				t.Errorf("error changed to %v, want %v", got, err)
			}
			if g.Backward(w) != err || g.Run(context.Background()) != err {
				t.Errorf("Backward or Run did not return the sticky error")
			}
		})
	}
}

func TestGraphPanicBecomesError(t *testing.T) {
	// A zero tensor.Dense makes the tensor package panic when its data is
	// read; the executor must record an error instead.
	g := NewGraph()
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic escaped: %v", r)
			}
		}()
		g.Param(new(tensor.Dense))
	}()
	if g.Err() == nil {
		t.Fatal("Param of a zero tensor.Dense recorded no error")
	}
}

func TestGraphBackwardNonScalar(t *testing.T) {
	g := NewGraph()
	p := dense([]float32{1, 2}, 2)
	err := g.Backward(g.Param(p))
	if err == nil || !strings.Contains(err.Error(), "(2)") {
		t.Fatalf("Backward of a (2) loss: %v, want an error naming (2)", err)
	}
}

func TestGraphFreezeAndParams(t *testing.T) {
	a := dense([]float32{1, 2}, 2)
	b := dense([]float32{3, 4}, 2)
	c := dense([]float32{5, 6}, 2)
	unused := dense([]float32{0, 0}, 2)
	g := NewGraph()
	g.Freeze(b)
	// first use order: c, a, b; a used twice.
	y := g.Mul(g.Add(g.Param(c), g.Param(a)), g.Mul(g.Param(b), g.Param(a)))
	g.Param(unused) // used by the graph, not by the loss
	loss := g.Sum(y, 0)
	samePtr := cmp.Comparer(func(x, y *tensor.Dense) bool { return x == y })
	if diff := cmp.Diff([]*tensor.Dense{c, a, unused}, g.Params(), samePtr); diff != "" {
		t.Errorf("Params (-want +got):\n%s", diff)
	}
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Grad(a); err == nil {
		t.Error("Grad before Run returned no error")
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// y = (c+a)*b*a: dy/da = b*a + (c+a)*b, dy/dc = b*a.
	wantGrads := map[string]struct {
		p    *tensor.Dense
		want []float32
	}{
		"a":      {a, []float32{3*1 + 6*3, 4*2 + 8*4}},
		"c":      {c, []float32{3, 8}},
		"unused": {unused, []float32{0, 0}},
	}
	for name, w := range wantGrads {
		gp, err := g.Grad(w.p)
		if err != nil {
			t.Errorf("Grad(%s): %v", name, err)
			continue
		}
		if diff := cmp.Diff(w.want, gp.Float32s()); diff != "" {
			t.Errorf("Grad(%s) (-want +got):\n%s", name, diff)
		}
	}
	if _, err := g.Grad(b); err == nil || !strings.Contains(err.Error(), "frozen") {
		t.Errorf("Grad of a frozen param: %v, want a frozen error", err)
	}
	if _, err := g.Grad(dense([]float32{1}, 1)); err == nil {
		t.Error("Grad of a tensor never used returned no error")
	}
	if _, err := g.Grad(nil); err == nil {
		t.Error("Grad(nil) returned no error")
	}
	// Parameters are never written by Run.
	if diff := cmp.Diff([]float32{1, 2}, a.Float32s()); diff != "" {
		t.Errorf("param a changed by Run (-want +got):\n%s", diff)
	}
	if err := g.Backward(loss); err == nil {
		t.Error("second Backward returned no error")
	}
}

func TestGraphRerunSeesUpdatedParams(t *testing.T) {
	w := dense([]float32{2}, 1)
	g := NewGraph()
	y := g.Square(g.Param(w))
	loss := g.Reshape(y)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	var got []float32
	for step := 0; step < 3; step++ {
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		gw, err := g.Grad(w)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g.Value(loss).Float32s()[0], gw.Float32s()[0])
		w.Float32s()[0] -= 0.25 * gw.Float32s()[0] // plain SGD step in place
	}
	// w: 2 -> 1 -> 0.5; loss w^2, grad 2w.
	if diff := cmp.Diff([]float32{4, 4, 1, 2, 0.25, 1}, got); diff != "" {
		t.Errorf("(loss, grad) per step (-want +got):\n%s", diff)
	}
}

func TestGraphValuesSurviveTape(t *testing.T) {
	// Every intermediate value stays readable after Run (no register of the
	// tape overwrites it), forward and backward.
	g := NewGraph()
	x := g.Param(dense([]float32{1, 2, 3, 4}, 2, 2))
	h := g.Exp(g.Scale(x, 0))
	h2 := g.Add(h, h)
	z := g.Reshape(g.Sum(g.Sum(g.Mul(h2, x), 1), 0), 1)
	if err := g.Backward(z); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{1, 1, 1, 1}, g.Value(h).Float32s()); diff != "" {
		t.Errorf("h (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float32{2, 2, 2, 2}, g.Value(h2).Float32s()); diff != "" {
		t.Errorf("h2 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float32{20}, g.Value(z).Float32s()); diff != "" {
		t.Errorf("z (-want +got):\n%s", diff)
	}
}

func TestGraphRunCancelled(t *testing.T) {
	g := NewGraph()
	g.Exp(g.Const(dense([]float32{1}, 1)))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context: %v, want context.Canceled", err)
	}
	if g.Value(g.nodes[0]) != nil {
		t.Error("Value after a failed Run is not nil")
	}
	if err := g.Run(context.Background()); err != nil {
		t.Errorf("Run after the cancelled one: %v", err)
	}
}

func TestGraphSegments(t *testing.T) {
	// A chain longer than gSegmentNodes spans several ExprGraphs; values
	// cross them through proxies and match a direct computation.
	g := NewGraph()
	x := g.Param(dense([]float32{0.5, -0.25}, 2))
	h := x
	want := []float64{0.5, -0.25}
	steps := 2 * gSegmentNodes
	for range steps {
		h = g.Tanh(g.AddScalar(h, 0.1))
		for i := range want {
			want[i] = math.Tanh(want[i] + 0.1)
		}
	}
	if len(g.segs) < 3 {
		t.Fatalf("%d nodes in %d segments, want at least 3", len(g.nodes), len(g.segs))
	}
	_, got := runValue(t, g, h)
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > 1e-5 {
			t.Errorf("element %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestGraphMaxTies(t *testing.T) {
	// Tied maxima share the gradient equally.
	p := dense([]float32{1, 3, 3, 2, 0, -1}, 2, 3)
	g := NewGraph()
	loss := g.Reshape(g.Sum(g.Max(g.Param(p), 1), 0), 1)
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	gp, err := g.Grad(p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{0, 0.5, 0.5, 1, 0, 0}, gp.Float32s()); diff != "" {
		t.Errorf("gradient of Max (-want +got):\n%s", diff)
	}
}

func TestGraphRunThenBackward(t *testing.T) {
	// A forward Run, then Backward adds nodes and the next Run recompiles.
	w := dense([]float32{3, -1}, 2)
	g := NewGraph()
	loss := g.Sum(g.Square(g.Param(w)), 0)
	if _, got := runValue(t, g, loss); got[0] != 10 {
		t.Fatalf("loss %v, want 10", got[0])
	}
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	gw, err := g.Grad(w)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float32{6, -2}, gw.Float32s()); diff != "" {
		t.Errorf("gradient (-want +got):\n%s", diff)
	}
}
