package optim

import (
	"bytes"
	"testing"

	"github.com/videodit/videodit/internal/safetensors"
)

// FuzzAdamWState feeds arbitrary bytes to the optimiser state loader. It
// must never panic, and a state it accepts must be usable by Step.
func FuzzAdamWState(f *testing.F) {
	var valid bytes.Buffer
	err := safetensors.Encode(&valid, []safetensors.Tensor{
		{Name: "w.exp_avg", Shape: []int{2}, Data: []float32{0.1, -0.2}},
		{Name: "w.exp_avg_sq", Shape: []int{2}, Data: []float32{0.01, 0.04}},
	}, map[string]string{"w.step": "3"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := safetensors.NewReader(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		opt := NewAdamW(DefaultAdamW())
		if err := opt.load(r); err != nil {
			return
		}
		for name, st := range opt.State() {
			n := len(st.ExpAvg)
			p := Param{Name: name, Value: make([]float32, n), Grad: make([]float32, n)}
			if err := opt.Step(0.1, []Param{p}); err != nil {
				t.Fatalf("Step after loading state %q: %v", name, err)
			}
		}
	})
}
