package optim

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

func dense(shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, tensor.Shape(shape).TotalSize())))
}

func TestFans(t *testing.T) {
	tests := []struct {
		shape         []int
		fanIn, fanOut int
	}{
		{[]int{3, 4}, 4, 3},
		{[]int{8, 3, 2, 5}, 30, 80},
		{[]int{2, 0}, 0, 2},
	}
	for _, tt := range tests {
		in, out, err := Fans(tt.shape)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([2]int{tt.fanIn, tt.fanOut}, [2]int{in, out}); diff != "" {
			t.Errorf("Fans(%v) (-want +got):\n%s", tt.shape, diff)
		}
	}
	if _, _, err := Fans([]int{5}); err == nil {
		t.Error("Fans of a vector succeeded")
	}
}

// stats returns the mean, standard deviation and largest |value| of d.
func stats(d []float32) (mean, std, maxAbs float64) {
	for _, v := range d {
		mean += float64(v)
		maxAbs = max(maxAbs, math.Abs(float64(v)))
	}
	mean /= float64(len(d))
	for _, v := range d {
		std += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, math.Sqrt(std / float64(len(d))), maxAbs
}

// TestInitDistributions draws 40000 values with a fixed seed and checks the
// bounds exactly and the moments within 3% of the scale.
func TestInitDistributions(t *testing.T) {
	const out, in = 200, 200
	b := 1 / math.Sqrt(in)
	xavier := math.Sqrt(6.0 / (in + out))
	tests := []struct {
		name           string
		init           func(*tensor.Dense, *rand.Rand) error
		mean, std, lim float64 // lim: the bound of a uniform, 0 for none
	}{
		{"normal", func(d *tensor.Dense, r *rand.Rand) error { return Normal(d, r, 1, 0.02) }, 1, 0.02, 0},
		{"uniform", func(d *tensor.Dense, r *rand.Rand) error { return Uniform(d, r, -0.5, 0.5) }, 0, 1 / math.Sqrt(12), 0.5},
		{"xavier", func(d *tensor.Dense, r *rand.Rand) error { return XavierUniform(d, r, 1) }, 0, xavier / math.Sqrt(3), xavier},
		{"kaiming a=sqrt(5)", func(d *tensor.Dense, r *rand.Rand) error { return KaimingUniform(d, r, math.Sqrt(5)) }, 0, b / math.Sqrt(3), b},
		{"linear weight", func(d *tensor.Dense, r *rand.Rand) error { return Linear(d, nil, r) }, 0, b / math.Sqrt(3), b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dense(out, in)
			if err := tt.init(d, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatal(err)
			}
			mean, std, maxAbs := stats(d.Float32s())
			if math.Abs(mean-tt.mean) > 0.03*tt.std || math.Abs(std-tt.std) > 0.03*tt.std {
				t.Errorf("mean %v std %v, want %v and %v", mean, std, tt.mean, tt.std)
			}
			if tt.lim > 0 && maxAbs > tt.lim {
				t.Errorf("largest |value| %v over the bound %v", maxAbs, tt.lim)
			}
			again := dense(out, in)
			if err := tt.init(again, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Float32s(), again.Float32s()) {
				t.Error("same seed, different values")
			}
		})
	}
}

func TestLinearBiasAndZeros(t *testing.T) {
	w, b := dense(4, 16), dense(4)
	if err := Linear(w, b, rand.New(rand.NewPCG(3, 4))); err != nil {
		t.Fatal(err)
	}
	_, _, maxAbs := stats(b.Float32s())
	if maxAbs == 0 || maxAbs > 0.25 {
		t.Errorf("bias largest |value| %v, want in (0, 1/sqrt(16)]", maxAbs)
	}
	if err := Zeros(w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(make([]float32, 64), w.Float32s()); diff != "" {
		t.Errorf("Zeros (-want +got):\n%s", diff)
	}
	empty := dense(3, 0)
	if err := Linear(empty, dense(3), rand.New(rand.NewPCG(3, 4))); err != nil {
		t.Fatal(err)
	}
}

func TestInitErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	transposed := dense(2, 3)
	if err := transposed.T(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", Normal(nil, rng, 0, 1), "nil tensor"},
		{"float64", Uniform(tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{0, 0})), rng, 0, 1), "want float32"},
		{"transposed", Zeros(transposed), "not contiguous"},
		{"vector for xavier", XavierUniform(dense(5), rng, 1), "at least 2 dimensions"},
		{"nil for kaiming", KaimingUniform(nil, rng, 0), "nil tensor"},
		{"bias of the wrong size", Linear(dense(3, 2), dense(2), rng), "bias of shape (2) for a weight of shape (3, 2)"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, tt.err, tt.want)
		}
	}
}
