package lm

import (
	"context"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
	"github.com/videodit/videodit/internal/safetensors"
)

// parityTol is the norm-wise relative error allowed against the float64
// PyTorch reference (nntest.RelErr).
const parityTol = 1e-4

// executors are the executors every forward test runs on, each with a way
// to run the built values and read one back.
var executors = []struct {
	name string
	new  func() nn.Exec
	read func(t *testing.T, e nn.Exec, vs ...nn.V) [][]float32
}{
	{"eager", func() nn.Exec { return nn.NewEager() }, func(t *testing.T, e nn.Exec, vs ...nn.V) [][]float32 {
		t.Helper()
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		out := make([][]float32, len(vs))
		for i, v := range vs {
			out[i] = e.(*nn.Eager).Dense(v).Float32s()
		}
		return out
	}},
	{"graph", func() nn.Exec { return nn.NewGraph() }, func(t *testing.T, e nn.Exec, vs ...nn.V) [][]float32 {
		t.Helper()
		g := e.(*nn.Graph)
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		out := make([][]float32, len(vs))
		for i, v := range vs {
			out[i] = g.Value(v).Float32s()
		}
		return out
	}},
}

func readExpected(t *testing.T, dir string) map[string]*tensor.Dense {
	t.Helper()
	f, err := safetensors.Open(filepath.Join(dir, "expected.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*tensor.Dense{}
	for _, info := range f.Tensors() {
		data, err := f.Float32s(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		out[info.Name] = tensor.New(tensor.WithShape(info.Shape...), tensor.WithBacking(data))
	}
	return out
}

func float64s(t *tensor.Dense) []float64 {
	out := make([]float64, t.Shape().TotalSize())
	for i, v := range t.Float32s() {
		out[i] = float64(v)
	}
	return out
}

// TestPyTorchParity loads the fixtures written by testdata/gen_parity.py
// (a Llama with grouped-query attention and an untied lm_head; a Phi-3 with
// fused projections, GQA, a sliding window shorter than the sequence and
// tied embeddings) and compares hidden states and logits, with default and
// unevenly spaced positions, against the float64 reference on every executor.
func TestPyTorchParity(t *testing.T) {
	for _, fixture := range []string{"llama_gqa", "phi3_fused"} {
		dir := filepath.Join("testdata", fixture)
		m, err := Load(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		want := readExpected(t, dir)
		var custom []int
		for _, p := range want["positions_custom"].Float32s() {
			custom = append(custom, int(p))
		}
		for _, ex := range executors {
			t.Run(fixture+"/"+ex.name, func(t *testing.T) {
				e := ex.new()
				x := e.Const(want["inputs_embeds"])
				h, err := m.Forward(e, x, nil)
				if err != nil {
					t.Fatal(err)
				}
				logits := m.Logits(e, h)
				hCustom, err := m.Forward(e, x, custom)
				if err != nil {
					t.Fatal(err)
				}
				got := ex.read(t, e, h, logits, hCustom)
				for i, name := range []string{"hidden", "logits", "hidden_custom"} {
					rel := nntest.RelErr(got[i], float64s(want[name]), 1e-6)
					if !(rel < parityTol) {
						t.Errorf("%s: relative error %.3g, want < %g", name, rel, parityTol)
					}
					t.Logf("%s: relative error %.3g", name, rel)
				}
				// The uneven positions must change the result, or the
				// rotary check above proves nothing.
				if rel := nntest.RelErr(got[2], float64s(want["hidden"]), 1e-6); rel < 100*parityTol {
					t.Errorf("hidden states with uneven positions equal those with 0..L-1 (relative difference %.3g)", rel)
				}
			})
		}
	}
}
