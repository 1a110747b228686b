package nntest

import (
	"fmt"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// linearParams lists a Linear's tensors (bias only when present).
func linearParams(l *nn.Linear) []*tensor.Dense {
	if l.B == nil {
		return []*tensor.Dense{l.W}
	}
	return []*tensor.Dense{l.W, l.B}
}

func attentionParams(a *nn.Attention) []*tensor.Dense {
	var ps []*tensor.Dense
	for _, l := range []*nn.Linear{&a.Q, &a.K, &a.V, &a.O} {
		ps = append(ps, linearParams(l)...)
	}
	return ps
}

func mlpParams(m *nn.GatedMLP) []*tensor.Dense {
	var ps []*tensor.Dense
	for _, l := range []*nn.Linear{&m.Gate, &m.Up, &m.Down} {
		ps = append(ps, linearParams(l)...)
	}
	return ps
}

func blockParams(b *nn.Block) []*tensor.Dense {
	ps := []*tensor.Dense{b.Norm1.W, b.Norm2.W}
	ps = append(ps, attentionParams(&b.Attn)...)
	return append(ps, mlpParams(&b.MLP)...)
}

// perturb returns a replacement for a ones-initialised norm weight, drawn
// in [0.5, 1.5), so that a wrong use of it shows.
func perturb(g *gen, t *tensor.Dense) *tensor.Dense {
	return g.uniform(0.5, 1.5, t.Shape()...)
}

func iota(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// LayerCases returns the cases of the layers of package nn; the inputs are
// parameters too, so the gradient check also covers the input gradients.
func LayerCases() []Case {
	var cs []Case
	add := func(c Case) { cs = append(cs, c) }

	for _, tc := range []struct {
		name string
		bias bool
		in   []int
	}{
		{"Linear/bias", true, []int{4, 6}},
		{"Linear/nobias", false, []int{4, 6}},
		{"Linear/3d", true, []int{2, 3, 6}},
		{"Linear/1d", true, []int{6}},
	} {
		g := newGen(tc.name)
		l := nn.NewLinear(g.rng, 6, 5, tc.bias)
		x := g.normal(tc.in...)
		add(Case{Name: tc.name, Params: append([]*tensor.Dense{x}, linearParams(l)...), Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return l.Forward(e, e.Param(x)) }})
	}
	{
		g := newGen("Embedding")
		m := nn.NewEmbedding(g.rng, 7, 4)
		add(Case{Name: "Embedding", Params: []*tensor.Dense{m.W}, Tol: tolExact,
			Build: func(e nn.Exec) nn.V { return m.Forward(e, []int{3, 6, 0, 3}) }})
	}
	for _, tc := range []struct {
		name string
		in   []int
		beta bool
	}{
		{"LayerNorm/2d", []int{4, 8}, true},
		{"LayerNorm/3d-nobias", []int{2, 3, 8}, false},
	} {
		g := newGen(tc.name)
		l := nn.NewLayerNorm(8, 1e-5)
		l.W = perturb(g, l.W)
		if tc.beta {
			l.B = g.normal(8)
		} else {
			l.B = nil
		}
		x := g.uniform(-2, 3, tc.in...)
		ps := []*tensor.Dense{x, l.W}
		if l.B != nil {
			ps = append(ps, l.B)
		}
		add(Case{Name: tc.name, Params: ps, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return l.Forward(e, e.Param(x)) }})
	}
	{
		g := newGen("LayerNormOf/no-affine")
		x := g.uniform(-2, 3, 3, 8)
		add(Case{Name: "LayerNormOf/no-affine", Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.LayerNormOf(e, e.Param(x), nil, nil, 1e-6) }})
	}
	for _, in := range [][]int{{4, 8}, {2, 3, 8}} {
		name := fmt.Sprintf("RMSNorm/%v", tensor.Shape(in))
		g := newGen(name)
		l := nn.NewRMSNorm(8, 1e-6)
		l.W = perturb(g, l.W)
		x := g.uniform(-2, 3, in...)
		add(Case{Name: name, Params: []*tensor.Dense{x, l.W}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return l.Forward(e, e.Param(x)) }})
	}
	for _, tc := range []struct {
		name string
		f    func(e nn.Exec, x nn.V) nn.V
		in   []int
	}{
		{"GELU", nn.GELU, []int{3, 5}},
		{"GELU/long", nn.GELU, []int{2, 1031}},
		{"SiLU", nn.SiLU, []int{3, 5}},
		{"SiLU/long", nn.SiLU, []int{2, 1031}},
		{"Softmax/last", func(e nn.Exec, x nn.V) nn.V { return nn.Softmax(e, x, 1) }, []int{3, 5}},
		{"Softmax/axis0", func(e nn.Exec, x nn.V) nn.V { return nn.Softmax(e, x, 0) }, []int{3, 5}},
		{"Softmax/3d-last", func(e nn.Exec, x nn.V) nn.V { return nn.Softmax(e, x, 2) }, []int{2, 3, 5}},
		{"Softmax/3d-middle", func(e nn.Exec, x nn.V) nn.V { return nn.Softmax(e, x, 1) }, []int{2, 3, 5}},
		{"LogSoftmax/last", func(e nn.Exec, x nn.V) nn.V { return nn.LogSoftmax(e, x, 1) }, []int{3, 5}},
		{"LogSoftmax/axis0", func(e nn.Exec, x nn.V) nn.V { return nn.LogSoftmax(e, x, 0) }, []int{3, 5}},
	} {
		g := newGen(tc.name)
		x := g.uniform(-4, 4, tc.in...)
		f := tc.f
		if strings.HasSuffix(tc.name, "/long") {
			// Forward only: long inputs cross an executor's vector and
			// parallel chunking; gradients are checked on the short ones.
			add(Case{Name: tc.name, Tol: tolLayer,
				Build: func(e nn.Exec) nn.V { return f(e, e.Const(x)) }})
			continue
		}
		add(Case{Name: tc.name, Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return f(e, e.Param(x)) }})
	}
	{
		g := newGen("Softmax/large-logits")
		// Logits near 80 overflow exp in float32 unless the maximum is
		// subtracted first.
		x := g.uniform(75, 90, 3, 6)
		add(Case{Name: "Softmax/large-logits", Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.Softmax(e, e.Param(x), 1) }})
	}
	{
		g := newGen("ApplyRotary")
		x := g.normal(2, 5, 8)
		cos, sin := nn.RotaryTables([]int{0, 1, 2, 7, 30}, 8, 10000)
		add(Case{Name: "ApplyRotary", Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.ApplyRotary(e, e.Param(x), e.Const(cos), e.Const(sin)) }})
	}
	for _, tc := range []struct {
		name string
		bias []int // nil: no bias
	}{
		{"SDPA/nobias", nil},
		{"SDPA/bias2d", []int{4, 6}},
		{"SDPA/bias3d", []int{3, 4, 6}},
	} {
		g := newGen(tc.name)
		q, k, v := g.normal(3, 4, 8), g.normal(3, 6, 8), g.normal(3, 6, 8)
		var bias *tensor.Dense
		if tc.bias != nil {
			bias = g.uniform(-2, 0, tc.bias...)
		}
		add(Case{Name: tc.name, Params: []*tensor.Dense{q, k, v}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V {
				var b nn.V
				if bias != nil {
					b = e.Const(bias)
				}
				return nn.ScaledDotProductAttention(e, e.Param(q), e.Param(k), e.Param(v), b, 0.35)
			}})
	}
	for _, tc := range []struct {
		name       string
		heads, kv  int
		rope       float64
		in         []int
		mask       func(l int) *tensor.Dense
		positions  []int
		projBiases bool
	}{
		{name: "Attention/plain", heads: 2, kv: 2, in: []int{5, 8}},
		{name: "Attention/rope-causal", heads: 2, kv: 2, rope: 10000, in: []int{5, 8}, mask: nn.CausalBias},
		{name: "Attention/gqa-rope-causal", heads: 4, kv: 2, rope: 10000, in: []int{5, 8}, mask: nn.CausalBias},
		{name: "Attention/mqa-positions", heads: 4, kv: 1, rope: 100, in: []int{4, 8}, positions: []int{3, 9, 4, 20}},
		{name: "Attention/block-local", heads: 2, kv: 2, in: []int{6, 8}, projBiases: true,
			mask: func(l int) *tensor.Dense { return nn.BlockLocalBias(nn.UniformBlocks(l, 2), 0) }},
		{name: "Attention/batched-causal", heads: 2, kv: 1, rope: 10000, in: []int{2, 5, 8}, mask: nn.CausalBias},
		{name: "Attention/batched-padding", heads: 4, kv: 2, rope: 10000, in: []int{2, 4, 8},
			mask: func(l int) *tensor.Dense {
				return nn.KeyPaddingBias(l, [][]bool{{true, true, true, false}, {true, false, true, true}})
			}},
	} {
		g := newGen(tc.name)
		d := tc.in[len(tc.in)-1]
		a := nn.NewAttention(g.rng, d, tc.heads, tc.kv, tc.projBiases, tc.rope)
		x := g.normal(tc.in...)
		l := tc.in[len(tc.in)-2]
		var mask *tensor.Dense
		if tc.mask != nil {
			mask = tc.mask(l)
		}
		pos := tc.positions
		add(Case{Name: tc.name, Params: append([]*tensor.Dense{x}, attentionParams(a)...), Tol: tolLayerDeep,
			Build: func(e nn.Exec) nn.V {
				var b nn.V
				if mask != nil {
					b = e.Const(mask)
				}
				return a.Forward(e, e.Param(x), pos, b)
			}})
	}
	for _, tc := range []struct {
		name      string
		in        []int
		heads, kv int
		block, w  int
		rope      float64
	}{
		{"AttentionLocal/w=1", []int{7, 8}, 2, 2, 2, 1, 0},
		{"AttentionLocal/gqa-rope-batched", []int{2, 6, 8}, 4, 2, 3, 0, 10000},
	} {
		g := newGen(tc.name)
		a := nn.NewAttention(g.rng, 8, tc.heads, tc.kv, true, tc.rope)
		x := g.normal(tc.in...)
		block, w := tc.block, tc.w
		add(Case{Name: tc.name, Params: append([]*tensor.Dense{x}, attentionParams(a)...), Tol: tolLayerDeep,
			Build: func(e nn.Exec) nn.V { return a.ForwardLocal(e, e.Param(x), nil, block, w) }})
	}
	{
		g := newGen("Attention/cross")
		a := nn.NewAttention(g.rng, 8, 2, 2, true, 0)
		a.K = *nn.NewLinear(g.rng, 6, 8, true)
		a.V = *nn.NewLinear(g.rng, 6, 8, true)
		x, ctx := g.normal(3, 8), g.normal(5, 6)
		add(Case{Name: "Attention/cross", Params: append([]*tensor.Dense{x, ctx}, attentionParams(a)...), Tol: tolLayerDeep,
			Build: func(e nn.Exec) nn.V { return a.ForwardKV(e, e.Param(x), e.Param(ctx), nil, nil, nil) }})
	}
	{
		g := newGen("GatedMLP")
		m := nn.NewGatedMLP(g.rng, 6, 10)
		x := g.normal(2, 3, 6)
		add(Case{Name: "GatedMLP", Params: append([]*tensor.Dense{x}, mlpParams(m)...), Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return m.Forward(e, e.Param(x)) }})
	}
	for _, tc := range []struct {
		name string
		c, x []int
	}{
		{"AdaLN/vector", []int{5}, []int{3, 4}},
		{"AdaLN/batched", []int{2, 5}, []int{2, 3, 4}},
	} {
		g := newGen(tc.name)
		m := nn.NewAdaLNRandom(g.rng, 5, 4, 3)
		c, x := g.normal(tc.c...), g.normal(tc.x...)
		add(Case{Name: tc.name, Params: append([]*tensor.Dense{c, x}, linearParams(&m.Linear)...), Tol: tolLayer,
			Build: func(e nn.Exec) nn.V {
				mod := m.Forward(e, e.Param(c))
				h := nn.Modulate(e, nn.LayerNormOf(e, e.Param(x), nil, nil, 1e-6), mod[0], mod[1])
				return nn.Gate(e, h, mod[2])
			}})
	}
	{
		g := newGen("PatchEmbed")
		p := nn.NewPatchEmbed(g.rng, 2, 2, 3, 2, 5)
		frames := g.uniform(0, 1, 4, 4, 6, 2)
		add(Case{Name: "PatchEmbed", Params: append([]*tensor.Dense{frames}, linearParams(&p.Proj)...), Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return p.Forward(e, e.Param(frames)) }})
	}
	{
		g := newGen("MeanPool")
		x := g.normal(3, 4, 5)
		add(Case{Name: "MeanPool/nomask", Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.MeanPool(e, e.Param(x), 1, nil) }})
		// Row 1 of the mask is all zero: its pooled vector is 0.
		mask := tensor.New(tensor.WithShape(3, 4), tensor.WithBacking([]float32{
			1, 0, 1, 1,
			0, 0, 0, 0,
			0, 1, 0, 0,
		}))
		add(Case{Name: "MeanPool/mask", Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.MeanPool(e, e.Param(x), 1, mask) }})
		add(Case{Name: "MeanPool/mask-axis0", Params: []*tensor.Dense{x}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.MeanPool(e, e.Param(x), 0, mask) }})
	}
	{
		g := newGen("Chunk")
		x := g.normal(2, 9)
		add(Case{Name: "Chunk", Params: []*tensor.Dense{x}, Tol: tolElem,
			Build: func(e nn.Exec) nn.V {
				p := nn.Chunk(e, e.Param(x), 1, 3)
				return e.Sub(e.Mul(p[0], p[1]), p[2])
			}})
	}
	{
		g := newGen("CrossEntropy")
		logits := g.uniform(-3, 3, 4, 6)
		add(Case{Name: "CrossEntropy", Params: []*tensor.Dense{logits}, Tol: tolLayer,
			Build: func(e nn.Exec) nn.V { return nn.CrossEntropy(e, e.Param(logits), []int{5, 0, 2, 2}) }})
	}
	for _, tc := range []struct {
		name string
		in   []int
		kv   int
	}{
		{"Block", []int{5, 8}, 2},
		{"Block/batched", []int{2, 4, 8}, 1},
	} {
		g := newGen(tc.name)
		b := nn.NewBlock(g.rng, nn.BlockConfig{Dim: 8, Heads: 2, KVHeads: tc.kv, Hidden: 12, RopeBase: 10000, Eps: 1e-6})
		b.Norm1.W = perturb(g, b.Norm1.W)
		b.Norm2.W = perturb(g, b.Norm2.W)
		x := g.normal(tc.in...)
		l := tc.in[len(tc.in)-2]
		mask := nn.CausalBias(l)
		add(Case{Name: tc.name, Params: append([]*tensor.Dense{x}, blockParams(b)...), Tol: tolLayerDeep,
			Build: func(e nn.Exec) nn.V { return b.Forward(e, e.Param(x), iota(l), e.Const(mask)) }})
	}
	return cs
}
