package safetensors_test

import (
	"bytes"
	"fmt"

	"github.com/videodit/videodit/internal/safetensors"
)

func Example() {
	var buf bytes.Buffer
	err := safetensors.Encode(&buf, []safetensors.Tensor{
		{Name: "linear.weight", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}},
		{Name: "linear.bias", DType: safetensors.F16, Shape: []int{2}, Data: []float32{0.1, -0.5}},
	}, map[string]string{"format": "pt"})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := safetensors.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "example.safetensors")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, info := range r.Tensors() {
		v, err := r.Float32s(info.Name)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(info.Name, info.DType, info.Shape, v)
	}
	_, err = r.Float32s("linear.scale")
	fmt.Println(err)
	// Output:
	// linear.bias F16 [2] [0.099975586 -0.5]
	// linear.weight F32 [2 2] [1 2 3 4]
	// safetensors: example.safetensors: tensor "linear.scale": no such tensor
}
