package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

// Finite-difference gradient checks of every primitive of the graph
// executor. Each case builds y = f(params) once; the loss is
// sum(y * R) for a fixed random R, so dloss/dy = R exercises every output
// element. The numeric gradient perturbs each parameter element in place
// and reruns the same graph (Param reads the tensor at every Run), with
// central differences of step gradEps; the loss of the perturbed runs is
// summed in float64 from the float32 outputs. Analytic and numeric
// gradients must agree within gradAtol + gradRtol*|numeric|.
const (
	gradEps  = 1e-2
	gradAtol = 2e-3
	gradRtol = 1e-2
)

// gradInput describes a parameter: its shape and the range of its values.
type gradInput struct {
	shape  []int
	lo, hi float32
	// distinct spaces the values at least 0.05 apart (for Max: no ties
	// within the finite-difference step).
	distinct bool
}

func in(lo, hi float32, shape ...int) gradInput { return gradInput{shape: shape, lo: lo, hi: hi} }

type gradCase struct {
	name string
	ins  []gradInput
	f    func(e Exec, xs []V) V
}

func gradCases() []gradCase {
	std := func(shape ...int) gradInput { return in(-1, 1, shape...) }
	pos := func(shape ...int) gradInput { return in(0.5, 2, shape...) }
	bin := func(name string, op func(e Exec, a, b V) V, a, b gradInput) gradCase {
		return gradCase{name, []gradInput{a, b}, func(e Exec, xs []V) V { return op(e, xs[0], xs[1]) }}
	}
	add := func(e Exec, a, b V) V { return e.Add(a, b) }
	sub := func(e Exec, a, b V) V { return e.Sub(a, b) }
	mul := func(e Exec, a, b V) V { return e.Mul(a, b) }
	div := func(e Exec, a, b V) V { return e.Div(a, b) }
	un := func(name string, op func(e Exec, a V) V, a gradInput) gradCase {
		return gradCase{name, []gradInput{a}, func(e Exec, xs []V) V { return op(e, xs[0]) }}
	}
	mm := func(name string, a, b gradInput, ta, tb bool) gradCase {
		return gradCase{name, []gradInput{a, b}, func(e Exec, xs []V) V { return e.MatMul(xs[0], xs[1], ta, tb) }}
	}
	cases := []gradCase{
		bin("Add/same", add, std(2, 3), std(2, 3)),
		bin("Add/col", add, std(3, 4), std(3, 1)),
		bin("Add/row", add, std(3, 4), std(1, 4)),
		bin("Add/bias", add, std(2, 3, 4), std(4)),
		bin("Add/trailing2", add, std(2, 3, 4), std(3, 4)),
		bin("Add/scalar", add, std(2, 3), std()),
		bin("Add/mid", add, std(2, 3, 4), std(2, 1, 4)),
		bin("Sub/same", sub, std(2, 3), std(2, 3)),
		bin("Sub/col", sub, std(3, 4), std(3, 1)),
		bin("Sub/bias", sub, std(3, 4), std(4)),
		bin("Mul/same", mul, std(2, 3), std(2, 3)),
		bin("Mul/row", mul, std(3, 4), std(1, 4)),
		bin("Mul/twoaxes", mul, std(2, 3, 4), std(1, 3, 1)),
		bin("Mul/bias3", mul, std(2, 3, 4), std(4)),
		bin("Div/same", div, std(2, 3), pos(2, 3)),
		bin("Div/col", div, std(3, 4), pos(3, 1)),
		bin("Div/bias", div, std(2, 3, 4), pos(4)),
		un("Scale", func(e Exec, a V) V { return e.Scale(a, -1.5) }, std(3, 4)),
		un("AddScalar", func(e Exec, a V) V { return e.AddScalar(a, 0.25) }, std(3, 4)),
		un("Exp", func(e Exec, a V) V { return e.Exp(a) }, std(3, 4)),
		un("Log", func(e Exec, a V) V { return e.Log(a) }, pos(3, 4)),
		un("Sqrt", func(e Exec, a V) V { return e.Sqrt(a) }, pos(3, 4)),
		un("Square", func(e Exec, a V) V { return e.Square(a) }, std(3, 4)),
		un("Tanh", func(e Exec, a V) V { return e.Tanh(a) }, std(3, 4)),
		un("Sigmoid", func(e Exec, a V) V { return e.Sigmoid(a) }, std(3, 4)),
		mm("MatMul/NN", std(3, 4), std(4, 5), false, false),
		mm("MatMul/TN", std(4, 3), std(4, 5), true, false),
		mm("MatMul/NT", std(3, 4), std(5, 4), false, true),
		mm("MatMul/TT", std(4, 3), std(5, 4), true, true),
		mm("MatMul/batchNN", std(2, 3, 4), std(2, 4, 5), false, false),
		mm("MatMul/batchTN", std(2, 4, 3), std(2, 4, 5), true, false),
		mm("MatMul/batchNT", std(2, 3, 4), std(2, 5, 4), false, true),
		mm("MatMul/batchTT", std(2, 4, 3), std(2, 5, 4), true, true),
		un("Sum/0", func(e Exec, a V) V { return e.Sum(a, 0) }, std(2, 3, 4)),
		un("Sum/1", func(e Exec, a V) V { return e.Sum(a, 1) }, std(2, 3, 4)),
		un("Sum/2", func(e Exec, a V) V { return e.Sum(a, 2) }, std(2, 3, 4)),
		un("Mean/1", func(e Exec, a V) V { return e.Mean(a, 1) }, std(2, 3, 4)),
		un("Mean/2", func(e Exec, a V) V { return e.Mean(a, 2) }, std(2, 3, 4)),
		un("Max/0", func(e Exec, a V) V { return e.Max(a, 0) }, gradInput{shape: []int{3, 4}, distinct: true}),
		un("Max/1", func(e Exec, a V) V { return e.Max(a, 1) }, gradInput{shape: []int{2, 3, 4}, distinct: true}),
		un("Max/2", func(e Exec, a V) V { return e.Max(a, 2) }, gradInput{shape: []int{2, 3, 4}, distinct: true}),
		un("Reshape", func(e Exec, a V) V { return e.Reshape(a, 4, 6) }, std(2, 3, 4)),
		un("Reshape/scalar", func(e Exec, a V) V { return e.Reshape(a) }, std(1, 1)),
		un("Transpose/10", func(e Exec, a V) V { return e.Transpose(a, 1, 0) }, std(3, 4)),
		un("Transpose/021", func(e Exec, a V) V { return e.Transpose(a, 0, 2, 1) }, std(2, 3, 4)),
		un("Transpose/201", func(e Exec, a V) V { return e.Transpose(a, 2, 0, 1) }, std(2, 3, 4)),
		un("Transpose/1032", func(e Exec, a V) V { return e.Transpose(a, 1, 0, 3, 2) }, std(2, 3, 2, 3)),
		un("Slice/0", func(e Exec, a V) V { return e.Slice(a, 0, 1, 3) }, std(4, 3)),
		un("Slice/1", func(e Exec, a V) V { return e.Slice(a, 1, 1, 3) }, std(2, 4, 3)),
		un("Slice/2", func(e Exec, a V) V { return e.Slice(a, 2, 0, 1) }, std(2, 4, 3)),
		{"Concat/0", []gradInput{std(2, 3), std(1, 3), std(3, 3)}, func(e Exec, xs []V) V { return e.Concat(0, xs...) }},
		{"Concat/1", []gradInput{std(2, 2, 3), std(2, 1, 3)}, func(e Exec, xs []V) V { return e.Concat(1, xs...) }},
		{"Concat/2", []gradInput{std(2, 3, 1), std(2, 3, 2)}, func(e Exec, xs []V) V { return e.Concat(2, xs...) }},
		un("Gather", func(e Exec, a V) V { return e.Gather(a, []int{2, 0, 2, 3}) }, std(5, 3)),
		// Composites: a transposed then reshaped value, a slice of a
		// transpose, a value used twice, a stable softmax.
		un("Transpose+Reshape", func(e Exec, a V) V { return e.Reshape(e.Transpose(a, 1, 0, 2), 3, 8) }, std(2, 3, 4)),
		un("Transpose+Slice", func(e Exec, a V) V { return e.Slice(e.Transpose(a, 2, 1, 0), 0, 1, 3) }, std(2, 3, 4)),
		un("UsedTwice", func(e Exec, a V) V { return e.Mul(e.Tanh(a), e.Add(a, a)) }, std(3, 4)),
		un("Softmax", func(e Exec, a V) V {
			z := e.Exp(e.Sub(a, e.Max(a, 1)))
			return e.Div(z, e.Sum(z, 1))
		}, gradInput{shape: []int{3, 5}, distinct: true}),
		// Fused abilities.
		un("GELU", func(e Exec, a V) V { return e.(Activator).GELU(a) }, in(-3, 3, 3, 4)),
		un("SiLU", func(e Exec, a V) V { return e.(Activator).SiLU(a) }, in(-3, 3, 3, 4)),
		un("FusedSoftmax", func(e Exec, a V) V { return e.(Softmaxer).Softmax(a) }, std(2, 3, 5)),
		{"FusedLayerNorm", []gradInput{std(3, 5), std(5), std(5)}, func(e Exec, xs []V) V {
			return e.(LayerNormer).LayerNorm(xs[0], xs[1], xs[2], 1e-5)
		}},
		{"FusedLayerNorm/nobeta", []gradInput{std(2, 2, 4), std(4)}, func(e Exec, xs []V) V {
			return e.(LayerNormer).LayerNorm(xs[0], xs[1], nil, 1e-5)
		}},
		{"FusedRMSNorm", []gradInput{std(3, 5), std(5)}, func(e Exec, xs []V) V {
			return e.(RMSNormer).RMSNorm(xs[0], xs[1], 1e-6)
		}},
		{"FusedAttention", []gradInput{std(2, 3, 4), std(2, 5, 4), std(2, 5, 4), std(3, 5)}, func(e Exec, xs []V) V {
			return e.(Attender).Attention(xs[0], xs[1], xs[2], xs[3], 0.5)
		}},
		{"FusedAttention/batchbias", []gradInput{std(2, 3, 4), std(2, 5, 4), std(2, 5, 4), std(2, 3, 5)}, func(e Exec, xs []V) V {
			return e.(Attender).Attention(xs[0], xs[1], xs[2], xs[3], 0.7)
		}},
		{"FusedAttention/keybias", []gradInput{std(2, 3, 4), std(2, 5, 4), std(2, 5, 4), std(2, 1, 5)}, func(e Exec, xs []V) V {
			return e.(Attender).Attention(xs[0], xs[1], xs[2], xs[3], 0.7)
		}},
		{"FusedAttention/nobias", []gradInput{std(1, 3, 4), std(1, 2, 4), std(1, 2, 3)}, func(e Exec, xs []V) V {
			return e.(Attender).Attention(xs[0], xs[1], xs[2], nil, 0.5)
		}},
		// Deep: about 500 nodes, so several gorgonia segments
		// (gSegmentNodes), with w read through proxies in every one.
		{"Deep", []gradInput{std(2, 3), std(3)}, func(e Exec, xs []V) V {
			h := xs[0]
			for range 120 {
				h = e.Tanh(e.Add(e.Scale(h, 0.9), xs[1]))
			}
			return h
		}},
		{"Linear", []gradInput{std(4, 6), std(5, 6), std(5)}, func(e Exec, xs []V) V {
			return e.Add(e.MatMul(xs[0], xs[1], false, true), xs[2])
		}},
	}
	return cases
}

// randInput fills a tensor for a gradInput.
func randInput(rng *rand.Rand, gi gradInput) *tensor.Dense {
	n := 1
	for _, d := range gi.shape {
		n *= d
	}
	data := make([]float32, n)
	if gi.distinct {
		for i, p := range rng.Perm(n) {
			data[i] = float32(p)*0.1 - float32(n)*0.05
		}
	} else {
		for i := range data {
			data[i] = gi.lo + (gi.hi-gi.lo)*rng.Float32()
		}
	}
	if len(gi.shape) == 0 {
		return tensor.New(tensor.FromScalar(data[0]))
	}
	return tensor.New(tensor.WithShape(gi.shape...), tensor.WithBacking(data))
}

// weightedLoss builds sum(y * r) reduced to shape ().
func weightedLoss(e Exec, y V, r *tensor.Dense) V {
	l := e.Mul(y, e.Const(r))
	for ax := range y.Shape() {
		l = e.Sum(l, ax)
	}
	return e.Reshape(l)
}

// dot64 returns sum(y * r) in float64.
func dot64(y, r *tensor.Dense) float64 {
	var s float64
	for i, v := range tensorData(y) {
		s += float64(v) * float64(tensorData(r)[i])
	}
	return s
}

// tensorData returns the backing elements of a float32 tensor of any
// shape, () included.
func tensorData(t *tensor.Dense) []float32 { return t.Float32s() }

func TestGraphGradients(t *testing.T) {
	ctx := context.Background()
	for ci, tc := range gradCases() {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(ci)))
			params := make([]*tensor.Dense, len(tc.ins))
			for i, gi := range tc.ins {
				params[i] = randInput(rng, gi)
			}
			g := NewGraph()
			xs := make([]V, len(params))
			for i, p := range params {
				xs[i] = g.Param(p)
			}
			y := tc.f(g, xs)
			if err := g.Err(); err != nil {
				t.Fatalf("build: %v", err)
			}
			r := randInput(rng, in(-1, 1, y.Shape()...))
			if len(y.Shape()) == 0 {
				r = randInput(rng, in(-1, 1, 1))
				r = tensor.New(tensor.FromScalar(tensorData(r)[0]))
			}
			loss := weightedLoss(g, y, r)
			if err := g.Backward(loss); err != nil {
				t.Fatalf("Backward: %v", err)
			}
			if err := g.Run(ctx); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got, want := float64(tensorData(g.Value(loss))[0]), dot64(g.Value(y), r); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
				t.Fatalf("loss %v, want %v", got, want)
			}
			analytic := make([][]float32, len(params))
			for i, p := range params {
				gp, err := g.Grad(p)
				if err != nil {
					t.Fatalf("Grad(%d): %v", i, err)
				}
				if !gp.Shape().Eq(p.Shape()) {
					t.Fatalf("Grad(%d) shape %v, want %v", i, gp.Shape(), p.Shape())
				}
				analytic[i] = append([]float32(nil), tensorData(gp)...)
			}
			for i, p := range params {
				data := tensorData(p)
				for j := range data {
					v := data[j]
					data[j] = v + gradEps
					if err := g.Run(ctx); err != nil {
						t.Fatal(err)
					}
					lp := dot64(g.Value(y), r)
					data[j] = v - gradEps
					if err := g.Run(ctx); err != nil {
						t.Fatal(err)
					}
					lm := dot64(g.Value(y), r)
					data[j] = v
					num := (lp - lm) / (2 * gradEps)
					if d := math.Abs(float64(analytic[i][j]) - num); d > gradAtol+gradRtol*math.Abs(num) {
						t.Errorf("param %d element %d: analytic %.6g, numeric %.6g", i, j, analytic[i][j], num)
					}
				}
			}
		})
	}
}
