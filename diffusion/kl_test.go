package diffusion

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// klRef is Eq. 19-20 in float64.
func klRef(fd, fa []float64, t, c int) float64 {
	softmax := func(x []float64) []float64 {
		m := math.Inf(-1)
		for _, v := range x {
			m = math.Max(m, v)
		}
		var s float64
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = math.Exp(v - m)
			s += out[i]
		}
		for i := range out {
			out[i] /= s
		}
		return out
	}
	var total float64
	for i := range t {
		p, q := softmax(fd[i*c:(i+1)*c]), softmax(fa[i*c:(i+1)*c])
		for j := range c {
			total += p[j] * math.Log(p[j]/q[j])
		}
	}
	return total / float64(t)
}

func TestKLLoss(t *testing.T) {
	const T, C = 3, 4
	rng := rand.New(rand.NewPCG(1, 1))
	fd, fa := make([]float32, T*C), make([]float32, T*C)
	fd64, fa64 := make([]float64, T*C), make([]float64, T*C)
	for i := range fd {
		fd[i], fa[i] = float32(rng.NormFloat64()*2), float32(rng.NormFloat64()*2)
		fd64[i], fa64[i] = float64(fd[i]), float64(fa[i])
	}
	value := func(fd []float32) float64 {
		e := nn.NewEager()
		l := KLLoss(e, e.Const(dense(fd, T, C)), e.Const(dense(fa, T, C)))
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		return float64(e.Dense(l).Float32s()[0])
	}
	if got, want := value(fd), klRef(fd64, fa64, T, C); math.Abs(got-want) > 1e-5 {
		t.Errorf("KL = %v, want %v", got, want)
	}
	if got := value(fa); math.Abs(got) > 1e-6 {
		t.Errorf("KL(p || p) = %v, want 0", got)
	}
	// Gradient through the graph executor against central differences of
	// the float64 reference.
	p := dense(append([]float32(nil), fd...), T, C)
	g := nn.NewGraph()
	loss := KLLoss(g, g.Param(p), g.Const(dense(fa, T, C)))
	if err := g.Backward(loss); err != nil {
		t.Fatal(err)
	}
	if err := g.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	grad, err := g.Grad(p)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	for i := range fd64 {
		up, down := append([]float64(nil), fd64...), append([]float64(nil), fd64...)
		up[i] += h
		down[i] -= h
		want := (klRef(up, fa64, T, C) - klRef(down, fa64, T, C)) / (2 * h)
		if got := float64(grad.Float32s()[i]); math.Abs(got-want) > 1e-4+1e-3*math.Abs(want) {
			t.Errorf("dKL/dF[%d] = %v, finite difference %v", i, got, want)
		}
	}
}

// TestFrameClassifierLearns trains the auxiliary classifier on two kinds of
// frames (red or blue) for a few steps and requires the loss to fall.
func TestFrameClassifierLearns(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	f := NewFrameClassifier(rng, 4, 8, 2)
	frames := make([]float32, 4*4*4*3)
	labels := make([]float32, 4*2)
	for i := range 4 {
		for p := range 16 {
			frames[(i*16+p)*3+2*(i%2)] = 1 // red or blue
		}
		labels[i*2+i%2] = 1
	}
	in, err := f.Input(dense(frames, 4, 4, 4, 3))
	if err != nil {
		t.Fatal(err)
	}
	var first, last float32
	for step := range 30 {
		g := nn.NewGraph()
		loss := f.Loss(g, f.Forward(g, g.Const(in)), tensor.New(tensor.WithShape(4, 2), tensor.WithBacking(labels)))
		if err := g.Backward(loss); err != nil {
			t.Fatal(err)
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		last = g.Value(loss).Float32s()[0]
		if step == 0 {
			first = last
		}
		for _, p := range g.Params() {
			gr, _ := g.Grad(p)
			for i, v := range gr.Float32s() {
				p.Float32s()[i] -= 0.5 * v
			}
		}
	}
	if !(last < first/2) {
		t.Errorf("aux loss %v -> %v: not halved", first, last)
	}
	if _, err := f.AuxFeatures(context.Background(), dense([]float32{float32(math.NaN()), 0, 0}, 1, 1, 1, 3)); err == nil {
		t.Errorf("NaN frame: no error")
	}
}
