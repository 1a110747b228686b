package checkpoint

import (
	"bytes"
	"context"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/safetensors"
)

// FuzzLoad feeds arbitrary model.safetensors bytes to the weight loader of
// a small model. It must never panic; on success every required tensor is
// set, and on failure the model is untouched.
func FuzzLoad(f *testing.F) {
	var valid bytes.Buffer
	err := safetensors.Encode(&valid, []safetensors.Tensor{
		{Name: "w", Shape: []int{2}, Data: []float32{1, 2}},
		{Name: "b", DType: safetensors.BF16, Shape: []int{1}, Data: []float32{3}},
	}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add(valid.Bytes()[:valid.Len()-1])
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := safetensors.NewReader(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			return
		}
		keep := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{7}))
		var m oneOptional
		m.B = keep
		if err := loadModel(context.Background(), r, &m); err != nil {
			if m.W != nil || m.B != keep || keep.Float32s()[0] != 7 {
				t.Fatalf("failed load changed the model: %v", err)
			}
			return
		}
		if m.W == nil {
			t.Fatal("load succeeded without the required tensor w")
		}
	})
}
