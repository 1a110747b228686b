package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// cmpShape compares shapes as int slices, returning a (-want +got) diff.
func cmpShape(want []int, got tensor.Shape) string {
	return cmp.Diff(want, []int(got))
}

const m = nn.MaskedBias

func TestMaskBiases(t *testing.T) {
	tests := []struct {
		name      string
		got       *tensor.Dense
		wantShape []int
		want      []float32
	}{
		{"causal", nn.CausalBias(3), []int{3, 3}, []float32{
			0, m, m,
			0, 0, m,
			0, 0, 0,
		}},
		{"key padding", nn.KeyPaddingBias(2, [][]bool{{true, false, true}, {false, true, true}}), []int{2, 2, 3}, []float32{
			0, m, 0,
			0, m, 0,
			m, 0, 0,
			m, 0, 0,
		}},
		{"block local w=0", nn.BlockLocalBias([]int{0, 0, 1, 1, 2}, 0), []int{5, 5}, []float32{
			0, 0, m, m, m,
			0, 0, m, m, m,
			m, m, 0, 0, m,
			m, m, 0, 0, m,
			m, m, m, m, 0,
		}},
		{"block local w=1", nn.BlockLocalBias(nn.UniformBlocks(5, 2), 1), []int{5, 5}, []float32{
			0, 0, 0, 0, m,
			0, 0, 0, 0, m,
			0, 0, 0, 0, 0,
			0, 0, 0, 0, 0,
			m, m, 0, 0, 0,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmpShape(tc.wantShape, tc.got.Shape()); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, tc.got.Float32s()); diff != "" {
				t.Errorf("bias (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUniformBlocks(t *testing.T) {
	if diff := cmp.Diff([]int{0, 0, 0, 1, 1, 1, 2}, nn.UniformBlocks(7, 3)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRotaryTables(t *testing.T) {
	cos, sin := nn.RotaryTables([]int{0, 1, 5}, 4, 100)
	// Frequencies for headDim 4, base 100: 1 and 100^(-1/2) = 0.1.
	angles := []float64{0, 0, 0, 0, 1, 0.1, 1, 0.1, 5, 0.5, 5, 0.5}
	var wantCos, wantSin []float32
	for _, a := range angles {
		wantCos = append(wantCos, float32(math.Cos(a)))
		wantSin = append(wantSin, float32(math.Sin(a)))
	}
	opt := cmpopts.EquateApprox(0, 1e-7)
	if diff := cmp.Diff(wantCos, cos.Float32s(), opt); diff != "" {
		t.Errorf("cos (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSin, sin.Float32s(), opt); diff != "" {
		t.Errorf("sin (-want +got):\n%s", diff)
	}
}

// run builds f on a fresh reference executor and returns its values.
func run(t *testing.T, f func(e nn.Exec) nn.V) []float64 {
	t.Helper()
	r := nntest.NewReference()
	out := f(r)
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return r.Float64s(out)
}

func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// TestAttentionProperties checks properties of attention that hold exactly
// (up to float64 rounding) on the reference executor.
func TestAttentionProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := nn.NewAttention(rng, 8, 2, 1, false, 10000)
	x := randDense(rng, 5, 8)
	causal := nn.CausalBias(5)
	opt := cmpopts.EquateApprox(0, 1e-9)

	t.Run("rotary depends only on relative positions", func(t *testing.T) {
		at := func(pos []int) []float64 {
			return run(t, func(e nn.Exec) nn.V { return a.Forward(e, e.Const(x), pos, nil) })
		}
		base, shifted := at([]int{0, 1, 2, 3, 4}), at([]int{7, 8, 9, 10, 11})
		// The rotary tables are rounded to float32, so the shift holds to
		// float32 precision only.
		if diff := cmp.Diff(base, shifted, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
			t.Errorf("(-positions 0.. +positions 7..):\n%s", diff)
		}
		if diff := cmp.Diff(base, at([]int{0, 2, 4, 6, 8}), cmpopts.EquateApprox(0, 1e-3)); diff == "" {
			t.Errorf("stretched positions gave the same output: rotary not applied")
		}
	})
	t.Run("causal mask hides later tokens", func(t *testing.T) {
		x2 := randDense(rng, 5, 8)
		copy(x2.Float32s()[:4*8], x.Float32s()[:4*8]) // differs only in the last token
		y1 := run(t, func(e nn.Exec) nn.V { return a.Forward(e, e.Const(x), nil, e.Const(causal)) })
		y2 := run(t, func(e nn.Exec) nn.V { return a.Forward(e, e.Const(x2), nil, e.Const(causal)) })
		if diff := cmp.Diff(y1[:4*8], y2[:4*8], opt); diff != "" {
			t.Errorf("outputs before the changed token moved (-x +x2):\n%s", diff)
		}
		if diff := cmp.Diff(y1[4*8:], y2[4*8:], opt); diff == "" {
			t.Errorf("the changed token's own output did not move")
		}
	})
	t.Run("grouped-query equals multi-head with repeated k/v", func(t *testing.T) {
		full := *a
		full.KVHeads = 2
		rep := func(w *tensor.Dense) *tensor.Dense { // (dh, D) -> (2*dh, D)
			d := w.Float32s()
			return tensor.New(tensor.WithShape(2*w.Shape()[0], w.Shape()[1]), tensor.WithBacking(append(append([]float32{}, d...), d...)))
		}
		full.K.W, full.V.W = rep(a.K.W), rep(a.V.W)
		want := run(t, func(e nn.Exec) nn.V { return full.Forward(e, e.Const(x), nil, e.Const(causal)) })
		got := run(t, func(e nn.Exec) nn.V { return a.Forward(e, e.Const(x), nil, e.Const(causal)) })
		if diff := cmp.Diff(want, got, opt); diff != "" {
			t.Errorf("(-MHA +GQA):\n%s", diff)
		}
	})
	t.Run("local equals block-local bias", func(t *testing.T) {
		x7 := randDense(rng, 2, 7, 8)
		for _, bw := range [][2]int{{2, 0}, {2, 1}, {3, 1}, {7, 0}} {
			want := run(t, func(e nn.Exec) nn.V {
				return a.Forward(e, e.Const(x7), nil, e.Const(nn.BlockLocalBias(nn.UniformBlocks(7, bw[0]), bw[1])))
			})
			got := run(t, func(e nn.Exec) nn.V { return a.ForwardLocal(e, e.Const(x7), nil, bw[0], bw[1]) })
			if diff := cmp.Diff(want, got, opt); diff != "" {
				t.Errorf("block %d, w %d (-biased +local):\n%s", bw[0], bw[1], diff)
			}
		}
	})
	t.Run("batched equals one sequence at a time", func(t *testing.T) {
		xb := randDense(rng, 2, 5, 8)
		got := run(t, func(e nn.Exec) nn.V { return a.Forward(e, e.Const(xb), nil, e.Const(causal)) })
		var want []float64
		for b := range 2 {
			xs := tensor.New(tensor.WithShape(5, 8), tensor.WithBacking(xb.Float32s()[b*40:(b+1)*40]))
			want = append(want, run(t, func(e nn.Exec) nn.V { return a.Forward(e, e.Const(xs), nil, e.Const(causal)) })...)
		}
		if diff := cmp.Diff(want, got, opt); diff != "" {
			t.Errorf("(-one at a time +batched):\n%s", diff)
		}
	})
}

// TestPatchifyOrder checks the documented token and feature order on frames
// whose values encode their coordinates.
func TestPatchifyOrder(t *testing.T) {
	const T, H, W, C = 4, 2, 6, 2
	const pt, ph, pw = 2, 1, 3
	data := make([]float32, T*H*W*C)
	code := func(t, y, x, c int) float32 { return float32(1000*t + 100*y + 10*x + c) }
	for ti := range T {
		for y := range H {
			for x := range W {
				for c := range C {
					data[((ti*H+y)*W+x)*C+c] = code(ti, y, x, c)
				}
			}
		}
	}
	frames := tensor.New(tensor.WithShape(T, H, W, C), tensor.WithBacking(data))
	var want []float64
	for gt := range T / pt {
		for gy := range H / ph {
			for gx := range W / pw {
				for dt := range pt {
					for dy := range ph {
						for dx := range pw {
							for c := range C {
								want = append(want, float64(code(gt*pt+dt, gy*ph+dy, gx*pw+dx, c)))
							}
						}
					}
				}
			}
		}
	}
	got := run(t, func(e nn.Exec) nn.V { return nn.Patchify(e, e.Const(frames), pt, ph, pw) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestAdaLNZeroInit checks that a fresh AdaLN (adaLN-Zero) modulates to the
// identity and gates to zero.
func TestAdaLNZeroInit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := nn.NewAdaLN(5, 4, 3)
	x, c := randDense(rng, 2, 3, 4), randDense(rng, 2, 5)
	var xs []float64
	for _, v := range x.Float32s() {
		xs = append(xs, float64(v))
	}
	mod := run(t, func(e nn.Exec) nn.V {
		p := a.Forward(e, e.Const(c))
		return nn.Modulate(e, e.Const(x), p[0], p[1])
	})
	if diff := cmp.Diff(xs, mod); diff != "" {
		t.Errorf("Modulate (-x +got):\n%s", diff)
	}
	gated := run(t, func(e nn.Exec) nn.V { return nn.Gate(e, e.Const(x), a.Forward(e, e.Const(c))[2]) })
	if diff := cmp.Diff(make([]float64, len(xs)), gated); diff != "" {
		t.Errorf("Gate (-zeros +got):\n%s", diff)
	}
}

func TestChunk(t *testing.T) {
	x := tensor.New(tensor.WithShape(1, 7), tensor.WithBacking([]float32{0, 1, 2, 3, 4, 5, 6}))
	r := nntest.NewReference()
	parts := nn.Chunk(r, r.Const(x), 1, 3)
	var got [][]float64
	for _, p := range parts {
		got = append(got, r.Float64s(p))
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]float64{{0, 1}, {2, 3}, {4, 5, 6}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	r = nntest.NewReference()
	nn.Chunk(r, r.Const(x), 1, 9)
	if r.Err() == nil {
		t.Errorf("Chunk into more parts than elements recorded no error")
	}
}

// TestLayerShapeErrors checks that a layer given a wrong input reports an
// error naming the shapes, without panicking.
func TestLayerShapeErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	tests := []struct {
		name  string
		build func(e nn.Exec) nn.V
	}{
		{"Linear width", func(e nn.Exec) nn.V { return nn.NewLinear(rng, 4, 3, true).Forward(e, e.Const(randDense(rng, 2, 5))) }},
		{"Attention width", func(e nn.Exec) nn.V {
			return nn.NewAttention(rng, 8, 2, 2, false, 0).Forward(e, e.Const(randDense(rng, 3, 6)), nil, nil)
		}},
		{"Attention bias", func(e nn.Exec) nn.V {
			return nn.NewAttention(rng, 8, 2, 2, false, 0).Forward(e, e.Const(randDense(rng, 3, 8)), nil, e.Const(nn.CausalBias(4)))
		}},
		{"PatchEmbed rank", func(e nn.Exec) nn.V {
			return nn.NewPatchEmbed(rng, 1, 2, 2, 3, 4).Forward(e, e.Const(randDense(rng, 4, 4, 3)))
		}},
		{"PatchEmbed divisibility", func(e nn.Exec) nn.V {
			return nn.NewPatchEmbed(rng, 2, 2, 2, 3, 4).Forward(e, e.Const(randDense(rng, 3, 4, 4, 3)))
		}},
		{"MeanPool mask", func(e nn.Exec) nn.V {
			return nn.MeanPool(e, e.Const(randDense(rng, 3, 4, 5)), 1, randDense(rng, 3, 5))
		}},
		{"Embedding id", func(e nn.Exec) nn.V { return nn.NewEmbedding(rng, 4, 2).Forward(e, []int{4}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := nntest.NewReference()
			tc.build(r)
			if r.Err() == nil {
				t.Errorf("no error recorded")
			}
		})
	}
}
