package nn

import (
	"math"
	"runtime"
	"testing"
)

func TestGParallel(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	tests := []struct {
		name     string
		n, elems int
	}{
		{"sequential", 10, 10},
		{"parallel", 1003, gParallelMin},
		{"fewer rows than workers", 3, 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := make([]int32, tt.n)
			err := gParallel(tt.n, tt.elems, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					seen[i]++
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("index %d visited %d times", i, c)
				}
			}
		})
	}
	err := gParallel(100, 1<<20, func(lo, hi int) {
		if lo > 0 {
			panic("chunk failed")
		}
	})
	if err == nil {
		t.Error("a panicking chunk returned no error")
	}
}

func TestGParallel8(t *testing.T) {
	// Every element is visited once and every chunk starts at a multiple of 8.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	for _, n := range []int{0, 5, gParallelMin + 13} {
		seen := make([]int32, n)
		err := gParallel8(n, func(lo, hi int) {
			if lo%8 != 0 {
				panic("chunk start not a multiple of 8")
			}
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, c)
			}
		}
	}
}

func TestGraphLargeKernels(t *testing.T) {
	// Sizes above gParallelMin take the parallel path of the row and
	// element-wise kernels; results must equal a direct computation.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const rows, d = 64, 1024
	data := make([]float32, rows*d)
	for i := range data {
		data[i] = float32(math.Sin(float64(i) * 0.37))
	}
	g := NewGraph()
	x := g.Const(dense(data, rows, d))
	sm := g.Softmax(x)
	th := g.Tanh(x)
	sum := g.Add(th, th)
	_, gotSm := runValue(t, g, sm)
	_, gotTh := runValue(t, g, th)
	_, gotSum := runValue(t, g, sum)
	for r := 0; r < rows; r++ {
		var z float64
		for i := 0; i < d; i++ {
			z += math.Exp(float64(data[r*d+i]))
		}
		for i := 0; i < d; i++ {
			k := r*d + i
			if want := math.Exp(float64(data[k])) / z; math.Abs(float64(gotSm[k])-want) > 1e-7 {
				t.Fatalf("softmax[%d,%d] = %v, want %v", r, i, gotSm[k], want)
			}
			if want := math.Tanh(float64(data[k])); math.Abs(float64(gotTh[k])-want) > 1e-6 {
				t.Fatalf("tanh[%d,%d] = %v, want %v", r, i, gotTh[k], want)
			}
			if gotSum[k] != 2*gotTh[k] {
				t.Fatalf("add[%d,%d] = %v, want %v", r, i, gotSum[k], 2*gotTh[k])
			}
		}
	}
}

func TestGraphLargeNorms(t *testing.T) {
	// The fused norms and their input gradients on the parallel path match
	// the same functions composed of primitives.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const rows, d = 64, 1024
	xd, rd, gd := make([]float32, rows*d), make([]float32, rows*d), make([]float32, d)
	for i := range xd {
		xd[i] = float32(math.Sin(float64(i)*0.37)) + float32(i%7)*0.1
		rd[i] = float32(math.Cos(float64(i) * 0.11))
	}
	for i := range gd {
		gd[i] = 1 + float32(i%5)*0.1
	}
	composed := map[string]func(g *Graph, x, gamma V) V{
		"LayerNorm": func(g *Graph, x, gamma V) V {
			xc := g.Sub(x, g.Mean(x, 1))
			return g.Mul(g.Div(xc, g.Sqrt(g.AddScalar(g.Mean(g.Square(xc), 1), 1e-5))), gamma)
		},
		"RMSNorm": func(g *Graph, x, gamma V) V {
			return g.Mul(g.Div(x, g.Sqrt(g.AddScalar(g.Mean(g.Square(x), 1), 1e-5))), gamma)
		},
	}
	fused := map[string]func(g *Graph, x, gamma V) V{
		"LayerNorm": func(g *Graph, x, gamma V) V { return g.LayerNorm(x, gamma, nil, 1e-5) },
		"RMSNorm":   func(g *Graph, x, gamma V) V { return g.RMSNorm(x, gamma, 1e-5) },
	}
	// run returns the output and the gradients of sum(out*r) for x and gamma.
	run := func(f func(g *Graph, x, gamma V) V) (out, gx, gg []float32) {
		x, gamma := dense(xd, rows, d), dense(gd, d)
		g := NewGraph()
		y := f(g, g.Param(x), g.Param(gamma))
		loss := weightedLoss(g, y, dense(rd, rows, d))
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		_, out = runValue(t, g, y)
		gxd, err := g.Grad(x)
		if err != nil {
			t.Fatal(err)
		}
		ggd, err := g.Grad(gamma)
		if err != nil {
			t.Fatal(err)
		}
		return out, gxd.Float32s(), ggd.Float32s()
	}
	for name := range fused {
		t.Run(name, func(t *testing.T) {
			fo, fx, fg := run(fused[name])
			co, cx, cg := run(composed[name])
			for _, c := range []struct {
				what      string
				got, want []float32
				tol       float64
			}{{"output", fo, co, 1e-5}, {"dx", fx, cx, 1e-4}, {"dgamma", fg, cg, 1e-3}} {
				for i := range c.want {
					if d := math.Abs(float64(c.got[i] - c.want[i])); d > c.tol*(1+math.Abs(float64(c.want[i]))) {
						t.Fatalf("%s[%d] = %v, composed %v", c.what, i, c.got[i], c.want[i])
					}
				}
			}
		})
	}
}
