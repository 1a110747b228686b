package fusion_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// TestTextParity loads the checkpoint written by testdata/gen_text_parity.py
// (Python's own safetensors writer, random weights) and compares e_text of
// a padded batch with the plain-torch float64 reference, on the eager and
// the graph executor.
func TestTextParity(t *testing.T) {
	m, err := fusion.LoadText(context.Background(), os.DirFS("testdata/text_parity"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/text_parity/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Batch [][]int     `json:"batch"`
		EText [][]float64 `json:"e_text"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func() ([]float32, error){
		"eager": func() ([]float32, error) {
			e := nn.NewEager()
			out := m.Forward(e, want.Batch)
			if err := e.Err(); err != nil {
				return nil, err
			}
			return e.Dense(out).Float32s(), nil
		},
		"graph": func() ([]float32, error) {
			g := nn.NewGraph()
			out := m.Forward(g, want.Batch)
			if err := g.Run(context.Background()); err != nil {
				return nil, err
			}
			return g.Value(out).Float32s(), nil
		},
	} {
		got, err := run()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := m.Dim()
		for i, row := range want.EText {
			const tol = 1e-5
			rel := nntest.RelErr(got[i*d:(i+1)*d], row, 1e-3)
			t.Logf("%s: sequence %d: relative error %.2g", name, i, rel)
			if rel > tol {
				t.Errorf("%s: sequence %d: relative error %.3g > %g\ngot  %v\nwant %v", name, i, rel, tol, got[i*d:(i+1)*d], row)
			}
		}
	}
}
