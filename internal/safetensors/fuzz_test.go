package safetensors

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzSafetensors feeds arbitrary bytes to NewReader and Float32s. They must
// never panic, must fail only with an *Error, and whatever they accept must
// be self-consistent and survive an Encode/NewReader round trip.
func FuzzSafetensors(f *testing.F) {
	var valid bytes.Buffer
	err := Encode(&valid, []Tensor{
		{Name: "a", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}},
		{Name: "h", DType: F16, Shape: []int{3}, Data: []float32{0.5, -1, 1e-7}},
		{Name: "b", DType: BF16, Shape: []int{}, Data: []float32{3}},
		{Name: "z", Shape: []int{0}, Data: nil},
	}, map[string]string{"format": "pt"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid.Bytes())
	f.Add(valid.Bytes()[:len(valid.Bytes())-3])
	f.Add(craft(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, float32(math.NaN()))))
	f.Add(craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, -1, f32bytes(1, 2, 3)))
	f.Add(craft(`{}`, MaxHeaderSize+1, nil))
	f.Add(craft(`{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)), "fuzz")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("NewReader error %v is not an *Error", err)
			}
			return
		}
		var out []Tensor
		for _, info := range r.Tensors() {
			v, err := r.Float32s(info.Name)
			if errors.Is(err, ErrNonFinite) {
				return
			}
			if !info.DType.float() {
				if !errors.Is(err, ErrDType) {
					t.Fatalf("Float32s(%q) of dtype %s: %v, want ErrDType", info.Name, info.DType, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("Float32s(%q) after a valid header: %v", info.Name, err)
			}
			n := 1
			for _, d := range info.Shape {
				n *= d
			}
			if len(v) != n {
				t.Fatalf("tensor %q: %d values for shape %v", info.Name, len(v), info.Shape)
			}
			out = append(out, Tensor{Name: info.Name, Shape: info.Shape, Data: v})
		}
		var again bytes.Buffer
		if err := Encode(&again, out, r.Metadata()); err != nil {
			t.Fatalf("re-encoding what was read: %v", err)
		}
		r2, err := NewReader(bytes.NewReader(again.Bytes()), int64(again.Len()), "again")
		if err != nil {
			t.Fatalf("reading the re-encoded file: %v", err)
		}
		for _, tn := range out {
			v, err := r2.Float32s(tn.Name)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tn.Data, v) {
				t.Fatalf("tensor %q changed in a round trip: %v -> %v", tn.Name, tn.Data, v)
			}
		}
		if diff := cmp.Diff(r.Metadata(), r2.Metadata()); diff != "" {
			t.Fatalf("metadata changed in a round trip (-first +second):\n%s", diff)
		}
	})
}
