//go:build videodit_cudaemu

package cuda

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// TestEmulatedConformance runs the conformance suite of package nn on the
// executor with the real kernels emulated on the CPU (emu_device.go).
func TestEmulatedConformance(t *testing.T) {
	nntest.RunConformance(t, "cuda-emulated", func() nn.Exec { return newExec(newEmuDevice()) }, readExec)
}

// TestEmulatedLarger checks, against the eager executor, shapes the
// conformance cases are too small for: products crossing several 64x64
// tiles and 16-deep stages (edges included, all transpositions, batched),
// reductions and norms over long rows (several warps), and attention with
// a causal -Inf bias both fused and, beyond shared memory, composed.
func TestEmulatedLarger(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	rnd := func(shape ...int) *tensor.Dense {
		data := make([]float32, tensor.Shape(shape).TotalSize())
		for i := range data {
			data[i] = float32(rng.Float64()*2 - 1)
		}
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
	}
	causal := func(lq, lk int) *tensor.Dense {
		data := make([]float32, lq*lk)
		for i := range lq {
			for j := i + 1; j < lk; j++ {
				data[i*lk+j] = float32(math.Inf(-1))
			}
		}
		return tensor.New(tensor.WithShape(lq, lk), tensor.WithBacking(data))
	}
	a3, b3 := rnd(2, 70, 100), rnd(2, 130, 100)
	a2, b2 := rnd(100, 65), rnd(100, 129)
	row := rnd(5, 3000)
	gamma, beta := rnd(3000), rnd(3000)
	q, k, v := rnd(2, 9, 16), rnd(2, 9, 16), rnd(2, 9, 8)
	ql, kl, vl := rnd(1, 3, 8), rnd(1, 13000, 8), rnd(1, 13000, 4)
	biasL := rnd(3, 13000)
	for _, c := range []struct {
		name  string
		tol   float64
		build func(e nn.Exec) nn.V
	}{
		{"MatMul/batched-transB", 1e-5, func(e nn.Exec) nn.V { return e.MatMul(e.Const(a3), e.Const(b3), false, true) }},
		{"MatMul/transA", 1e-5, func(e nn.Exec) nn.V { return e.MatMul(e.Const(a2), e.Const(b2), true, false) }},
		{"MatMul/transA-transB", 1e-5, func(e nn.Exec) nn.V {
			return e.MatMul(e.Const(a2), e.Transpose(e.Const(b2), 1, 0), true, true)
		}},
		{"Sum/long-rows", 1e-5, func(e nn.Exec) nn.V { return e.Sum(e.Const(row), 1) }},
		{"Max/long-rows", 0, func(e nn.Exec) nn.V { return e.Max(e.Const(row), 1) }},
		{"Softmax/long-rows", 1e-5, func(e nn.Exec) nn.V { return e.(nn.Softmaxer).Softmax(e.Const(row)) }},
		{"LayerNorm/long-rows", 1e-5, func(e nn.Exec) nn.V {
			return e.(nn.LayerNormer).LayerNorm(e.Const(row), e.Param(gamma), e.Param(beta), 1e-5)
		}},
		{"RMSNorm/long-rows", 1e-5, func(e nn.Exec) nn.V { return e.(nn.RMSNormer).RMSNorm(e.Const(row), e.Param(gamma), 1e-6) }},
		{"Attention/causal-fused", 3e-5, func(e nn.Exec) nn.V {
			return e.(nn.Attender).Attention(e.Const(q), e.Const(k), e.Const(v), e.Const(causal(9, 9)), 0.25)
		}},
		{"Attention/composed", 3e-5, func(e nn.Exec) nn.V {
			return e.(nn.Attender).Attention(e.Const(ql), e.Const(kl), e.Const(vl), e.Const(biasL), 0.3)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			eager := nn.NewEager()
			wantV := c.build(eager)
			if err := eager.Err(); err != nil {
				t.Fatal(err)
			}
			want := eager.Dense(wantV).Float32s()
			e := newExec(newEmuDevice())
			gotV := c.build(e)
			if diff := cmp.Diff(wantV.Shape(), gotV.Shape()); diff != "" {
				t.Fatalf("shape (-want +got):\n%s", diff)
			}
			got, err := e.Read(gotV)
			if err != nil {
				t.Fatal(err)
			}
			want64 := make([]float64, len(want))
			for i, x := range want {
				want64[i] = float64(x)
			}
			if re := nntest.RelErr(got, want64, 1e-30); !(re <= c.tol) {
				t.Errorf("relative error to the eager executor %.3g > %.3g", re, c.tol)
			}
		})
	}
}
