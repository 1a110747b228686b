package safetensors

import (
	"bytes"
	"io"
	"testing"
)

// benchTensor is 1M float32 values (4 MB as F32).
func benchTensor(d DType) Tensor {
	data := make([]float32, 1<<20)
	for i := range data {
		data[i] = float32(i%1000) / 1000
	}
	return Tensor{Name: "w", DType: d, Shape: []int{1024, 1024}, Data: data}
}

func BenchmarkEncode(b *testing.B) {
	for _, d := range []DType{F32, F16, BF16} {
		b.Run(string(d), func(b *testing.B) {
			t := benchTensor(d)
			b.SetBytes(int64(4 * len(t.Data)))
			for b.Loop() {
				if err := Encode(io.Discard, []Tensor{t}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFloat32s(b *testing.B) {
	for _, d := range []DType{F32, F16, BF16} {
		b.Run(string(d), func(b *testing.B) {
			t := benchTensor(d)
			var buf bytes.Buffer
			if err := Encode(&buf, []Tensor{t}, nil); err != nil {
				b.Fatal(err)
			}
			r, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "bench")
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(4 * len(t.Data)))
			for b.Loop() {
				if _, err := r.Float32s("w"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
