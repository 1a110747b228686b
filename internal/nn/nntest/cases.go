package nntest

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Case is one check of the suite: Build computes a value from tensors it
// holds (parameters read with e.Param, inputs with e.Const); the suite
// compares the executor's result with the Reference's.
type Case struct {
	Name string
	// Build computes the output on an executor.
	Build func(e nn.Exec) nn.V
	// Params are the tensors Build reads with Param whose gradients the
	// gradient check compares; nil for a case that is not differentiable.
	Params []*tensor.Dense
	// Tol bounds RelErr of the forward result against the reference; 0
	// demands exact equality (data movement, Max).
	Tol float64
}

// Forward tolerances (norm-wise relative, see RelErr). float32 rounding is
// 6e-8 per operation; exact is for operations that only move float32 values.
const (
	tolExact     = 0
	tolElem      = 1e-6 // one rounding, or a transcendental within a few ulp
	tolReduce    = 1e-5 // sums and products of up to ~100 terms
	tolLayer     = 1e-5 // composed layers
	tolLayerDeep = 3e-5 // attention and whole blocks (dozens of roundings in series)
)

// gen draws the random inputs of the cases, with a fixed seed per case
// (derived from its name), so every run and every executor sees the same
// tensors.
type gen struct{ rng *rand.Rand }

func newGen(name string) *gen {
	var h uint64 = 14695981039346656037
	for _, c := range []byte(name) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return &gen{rng: rand.New(rand.NewPCG(h, 0x5eed))}
}

// uniform returns a float32 tensor of shape with elements in [lo, hi).
func (g *gen) uniform(lo, hi float64, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(lo + (hi-lo)*g.rng.Float64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

func (g *gen) normal(shape ...int) *tensor.Dense { return g.uniform(-1, 1, shape...) }

// Cases returns every case of the suite: all primitives of nn.Exec
// (including the broadcasting forms) and all layers of package nn.
func Cases() []Case {
	return append(PrimitiveCases(), LayerCases()...)
}

// PrimitiveCases returns the cases of the primitives of nn.Exec.
func PrimitiveCases() []Case {
	var cs []Case
	add := func(c Case) { cs = append(cs, c) }

	{
		g := newGen("Param")
		p := g.normal(3, 4)
		add(Case{Name: "Param", Params: []*tensor.Dense{p}, Tol: tolExact,
			Build: func(e nn.Exec) nn.V { return e.Param(p) }})
		c := g.normal(2, 3)
		add(Case{Name: "Const", Tol: tolExact, Build: func(e nn.Exec) nn.V { return e.Const(c) }})
	}

	type binop struct {
		name   string
		f      func(e nn.Exec, a, b nn.V) nn.V
		lo, hi float64 // range of b
	}
	binops := []binop{
		{"Add", func(e nn.Exec, a, b nn.V) nn.V { return e.Add(a, b) }, -1, 1},
		{"Sub", func(e nn.Exec, a, b nn.V) nn.V { return e.Sub(a, b) }, -1, 1},
		{"Mul", func(e nn.Exec, a, b nn.V) nn.V { return e.Mul(a, b) }, -1, 1},
		{"Div", func(e nn.Exec, a, b nn.V) nn.V { return e.Div(a, b) }, 0.5, 2},
	}
	bcasts := []struct{ a, b []int }{
		{[]int{3, 4}, []int{3, 4}},
		{[]int{3, 4}, []int{3, 1}},
		{[]int{3, 4}, []int{1, 4}},
		{[]int{3, 4}, []int{4}},
		{[]int{2, 3, 4}, []int{1, 3, 1}},
		{[]int{2, 3, 4}, []int{2, 1, 4}},
		{[]int{2, 3, 4}, []int{3, 4}},
		{[]int{2, 3, 4}, []int{4}},
		{[]int{2, 3, 4}, []int{1, 1, 1}},
	}
	for _, op := range binops {
		for _, bc := range bcasts {
			name := fmt.Sprintf("%s/%v+%v", op.name, tensor.Shape(bc.a), tensor.Shape(bc.b))
			g := newGen(name)
			a, b := g.normal(bc.a...), g.uniform(op.lo, op.hi, bc.b...)
			f := op.f
			add(Case{Name: name, Params: []*tensor.Dense{a, b}, Tol: tolElem,
				Build: func(e nn.Exec) nn.V { return f(e, e.Param(a), e.Param(b)) }})
		}
		// A constant operand on either side.
		name := op.name + "/const-operand"
		g := newGen(name)
		a, b, c := g.normal(3, 4), g.uniform(op.lo, op.hi, 4), g.uniform(op.lo, op.hi, 3, 4)
		f := op.f
		add(Case{Name: name, Params: []*tensor.Dense{a}, Tol: tolElem,
			Build: func(e nn.Exec) nn.V {
				return f(e, f(e, e.Param(a), e.Const(b)), e.Const(c))
			}})
	}
	{
		g := newGen("Mul/shared-param")
		a := g.normal(3, 4)
		add(Case{Name: "Mul/shared-param", Params: []*tensor.Dense{a}, Tol: tolElem,
			Build: func(e nn.Exec) nn.V { p := e.Param(a); return e.Mul(p, e.Param(a)) }})
	}

	unary := []struct {
		name   string
		lo, hi float64
		f      func(e nn.Exec, a nn.V) nn.V
	}{
		{"Scale", -2, 2, func(e nn.Exec, a nn.V) nn.V { return e.Scale(a, -1.7) }},
		{"AddScalar", -2, 2, func(e nn.Exec, a nn.V) nn.V { return e.AddScalar(a, 0.3) }},
		{"Exp", -3, 3, func(e nn.Exec, a nn.V) nn.V { return e.Exp(a) }},
		{"Log", 0.2, 5, func(e nn.Exec, a nn.V) nn.V { return e.Log(a) }},
		{"Sqrt", 0.2, 5, func(e nn.Exec, a nn.V) nn.V { return e.Sqrt(a) }},
		{"Square", -2, 2, func(e nn.Exec, a nn.V) nn.V { return e.Square(a) }},
		{"Tanh", -3, 3, func(e nn.Exec, a nn.V) nn.V { return e.Tanh(a) }},
		{"Sigmoid", -5, 5, func(e nn.Exec, a nn.V) nn.V { return e.Sigmoid(a) }},
	}
	for _, u := range unary {
		for _, shape := range [][]int{{7}, {2, 3, 5}} {
			name := fmt.Sprintf("%s/%v", u.name, tensor.Shape(shape))
			g := newGen(name)
			a := g.uniform(u.lo, u.hi, shape...)
			f := u.f
			add(Case{Name: name, Params: []*tensor.Dense{a}, Tol: tolElem,
				Build: func(e nn.Exec) nn.V { return f(e, e.Param(a)) }})
		}
	}
	{
		// A long vector crosses any SIMD or parallel chunking of an executor.
		// It is a constant: its gradient is covered by the short cases, and
		// finite differences over 4099 inputs would cost O(n^2).
		g := newGen("Exp/long")
		a := g.uniform(-10, 10, 4099)
		add(Case{Name: "Exp/long", Tol: tolElem,
			Build: func(e nn.Exec) nn.V { return e.Exp(e.Const(a)) }})
	}

	for _, batch := range []int{0, 2} {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			m, k, n := 3, 5, 4
			as, bs := []int{m, k}, []int{k, n}
			if tr[0] {
				as = []int{k, m}
			}
			if tr[1] {
				bs = []int{n, k}
			}
			if batch > 0 {
				as = append([]int{batch}, as...)
				bs = append([]int{batch}, bs...)
			}
			name := fmt.Sprintf("MatMul/%v%v/tA=%v,tB=%v", tensor.Shape(as), tensor.Shape(bs), tr[0], tr[1])
			g := newGen(name)
			a, b := g.normal(as...), g.normal(bs...)
			ta, tb := tr[0], tr[1]
			add(Case{Name: name, Params: []*tensor.Dense{a, b}, Tol: tolReduce,
				Build: func(e nn.Exec) nn.V { return e.MatMul(e.Param(a), e.Param(b), ta, tb) }})
		}
	}
	{
		// Sizes of a real layer, crossing any blocking of a GEMM.
		g := newGen("MatMul/large")
		a, b := g.normal(37, 70), g.normal(70, 45)
		add(Case{Name: "MatMul/large", Tol: tolReduce,
			Build: func(e nn.Exec) nn.V { return e.MatMul(e.Const(a), e.Const(b), false, false) }})
	}

	reducers := []struct {
		name string
		f    func(e nn.Exec, a nn.V, axis int) nn.V
		tol  float64
	}{
		{"Sum", func(e nn.Exec, a nn.V, ax int) nn.V { return e.Sum(a, ax) }, tolReduce},
		{"Mean", func(e nn.Exec, a nn.V, ax int) nn.V { return e.Mean(a, ax) }, tolReduce},
		{"Max", func(e nn.Exec, a nn.V, ax int) nn.V { return e.Max(a, ax) }, tolExact},
	}
	for _, r := range reducers {
		for _, shape := range [][]int{{6}, {3, 4}, {2, 3, 5}} {
			for axis := range shape {
				name := fmt.Sprintf("%s/%v/axis=%d", r.name, tensor.Shape(shape), axis)
				g := newGen(name)
				a := g.normal(shape...)
				f, ax := r.f, axis
				add(Case{Name: name, Params: []*tensor.Dense{a}, Tol: r.tol,
					Build: func(e nn.Exec) nn.V { return f(e, e.Param(a), ax) }})
			}
		}
	}

	reshapes := []struct{ from, to []int }{
		{[]int{2, 3, 4}, []int{6, 4}},
		{[]int{4, 6}, []int{2, 2, 6}},
		{[]int{3, 4}, []int{12}},
	}
	for _, rs := range reshapes {
		name := fmt.Sprintf("Reshape/%v->%v", tensor.Shape(rs.from), tensor.Shape(rs.to))
		g := newGen(name)
		a := g.normal(rs.from...)
		to := rs.to
		// Scale afterwards so that a lazy reshape must feed a real op.
		add(Case{Name: name, Params: []*tensor.Dense{a}, Tol: tolElem,
			Build: func(e nn.Exec) nn.V { return e.Scale(e.Reshape(e.Param(a), to...), 3) }})
	}

	transposes := []struct {
		shape, perm []int
	}{
		{[]int{3, 4}, []int{1, 0}},
		{[]int{2, 3, 4}, []int{2, 0, 1}},
		{[]int{2, 3, 4}, []int{1, 0, 2}},
		{[]int{2, 3, 4}, []int{0, 2, 1}},
		{[]int{2, 3, 2, 4}, []int{0, 2, 1, 3}},
		{[]int{2, 1, 3, 2, 2, 1, 3}, []int{0, 2, 4, 1, 3, 5, 6}},
	}
	for _, tc := range transposes {
		name := fmt.Sprintf("Transpose/%v/%v", tensor.Shape(tc.shape), tc.perm)
		g := newGen(name)
		a := g.normal(tc.shape...)
		perm := tc.perm
		add(Case{Name: name, Params: []*tensor.Dense{a}, Tol: tolExact,
			Build: func(e nn.Exec) nn.V { return e.Transpose(e.Param(a), perm...) }})
	}

	concats := []struct {
		axis   int
		shapes [][]int
	}{
		{0, [][]int{{2, 3}, {1, 3}, {3, 3}}},
		{1, [][]int{{2, 3}, {2, 1}}},
		{1, [][]int{{2, 3, 2}, {2, 1, 2}}},
		{2, [][]int{{2, 3, 2}, {2, 3, 3}}},
		{0, [][]int{{4}}},
	}
	for _, cc := range concats {
		name := fmt.Sprintf("Concat/axis=%d/%v", cc.axis, cc.shapes)
		g := newGen(name)
		var ts []*tensor.Dense
		for _, s := range cc.shapes {
			ts = append(ts, g.normal(s...))
		}
		axis := cc.axis
		add(Case{Name: name, Params: ts, Tol: tolExact,
			Build: func(e nn.Exec) nn.V {
				vs := make([]nn.V, len(ts))
				for i, t := range ts {
					vs[i] = e.Param(t)
				}
				return e.Concat(axis, vs...)
			}})
	}

	slicesCases := []struct {
		shape             []int
		axis, start, stop int
	}{
		{[]int{4, 3}, 0, 1, 3},
		{[]int{2, 3, 4}, 1, 0, 2},
		{[]int{2, 3, 4}, 2, 1, 4},
		{[]int{5}, 0, 4, 5},
	}
	for _, sc := range slicesCases {
		name := fmt.Sprintf("Slice/%v/axis=%d/[%d,%d)", tensor.Shape(sc.shape), sc.axis, sc.start, sc.stop)
		g := newGen(name)
		a := g.normal(sc.shape...)
		ax, st, en := sc.axis, sc.start, sc.stop
		add(Case{Name: name, Params: []*tensor.Dense{a}, Tol: tolExact,
			Build: func(e nn.Exec) nn.V { return e.Slice(e.Param(a), ax, st, en) }})
	}
	{
		g := newGen("Slice/twice")
		a := g.normal(4, 6)
		add(Case{Name: "Slice/twice", Params: []*tensor.Dense{a}, Tol: tolElem,
			Build: func(e nn.Exec) nn.V {
				p := e.Param(a)
				return e.Add(e.Slice(p, 1, 0, 3), e.Slice(p, 1, 3, 6))
			}})
	}
	{
		g := newGen("Gather")
		table := g.normal(5, 3)
		ids := []int{4, 0, 4, 2}
		add(Case{Name: "Gather", Params: []*tensor.Dense{table}, Tol: tolExact,
			Build: func(e nn.Exec) nn.V { return e.Gather(e.Param(table), ids) }})
	}
	return cs
}
