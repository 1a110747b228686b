package safetensors

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEncodeExactBytes pins the byte layout: length prefix, sorted compact
// JSON padded with spaces to 8 bytes, then the data in name order.
func TestEncodeExactBytes(t *testing.T) {
	var buf bytes.Buffer
	err := Encode(&buf, []Tensor{
		{Name: "b", DType: BF16, Shape: []int{1}, Data: []float32{-1}},
		{Name: "a", Shape: []int{2}, Data: []float32{1, -2}},
	}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	head := `{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]}}`
	for len(head)%8 != 0 {
		head += " "
	}
	want := craft(head, -1, append(f32bytes(1, -2), 0x80, 0xbf))
	if diff := cmp.Diff(want, buf.Bytes()); diff != "" {
		t.Errorf("Encode bytes (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	tiny := float32(1e-7)    // a binary16 subnormal: 1.677 * 2^-24 -> 2 * 2^-24
	third := float32(1) / 3  // 0x3eaaaaab
	big := float32(65519.99) // rounds to 65504 in binary16
	in := []Tensor{
		{Name: "f32", Shape: []int{2, 3}, Data: []float32{0, -0.5, third, tiny, 1e30, -7}},
		{Name: "f16", DType: F16, Shape: []int{5}, Data: []float32{0.1, -2, tiny, big, third}},
		{Name: "bf16", DType: BF16, Shape: []int{4}, Data: []float32{0.1, -2, third, 1e30}},
		{Name: "scalar", Shape: nil, Data: []float32{42}},
		{Name: "empty", DType: F16, Shape: []int{0}, Data: nil},
	}
	want := map[string][]float32{
		"f32":    {0, -0.5, third, tiny, 1e30, -7},
		"f16":    {0.0999755859375, -2, 0x1p-23, 65504, 0.333251953125},    // numpy
		"bf16":   {0.10009765625, -2, 0.333984375, 1.0002555517425873e+30}, // torch 1.13
		"scalar": {42},
		"empty":  {},
	}
	wantShapes := map[string][]int{"f32": {2, 3}, "f16": {5}, "bf16": {4}, "scalar": {}, "empty": {0}}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteFile(path, in, map[string]string{"step": "7"}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string][]float32{}
	gotShapes := map[string][]int{}
	for _, info := range f.Tensors() {
		if got[info.Name], err = f.Float32s(info.Name); err != nil {
			t.Fatal(err)
		}
		gotShapes[info.Name] = info.Shape
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantShapes, gotShapes); diff != "" {
		t.Errorf("shapes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"step": "7"}, f.Metadata()); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
}

func TestEncodeDeterministic(t *testing.T) {
	a := Tensor{Name: "a", Shape: []int{1}, Data: []float32{1}}
	b := Tensor{Name: "b", DType: F16, Shape: []int{2}, Data: []float32{2, 3}}
	var x, y bytes.Buffer
	meta := map[string]string{"z": "1", "a": "2", "m": "<&>"}
	if err := Encode(&x, []Tensor{a, b}, meta); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&y, []Tensor{b, a}, meta); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(x.Bytes(), y.Bytes()); diff != "" {
		t.Errorf("Encode depends on input order (-first +second):\n%s", diff)
	}
}

func TestEncodeBadInput(t *testing.T) {
	tests := []struct {
		name   string
		in     []Tensor
		want   error
		tensor string
	}{
		{"empty name", []Tensor{{Name: "", Data: []float32{1}}}, ErrHeader, ""},
		{"reserved name", []Tensor{{Name: "__metadata__", Data: []float32{1}}}, ErrHeader, "__metadata__"},
		{"duplicate", []Tensor{{Name: "a", Data: []float32{1}}, {Name: "a", Data: []float32{2}}}, ErrDuplicate, "a"},
		{"unknown dtype", []Tensor{{Name: "a", DType: "F64", Data: []float32{1}}}, ErrDType, "a"},
		{"negative dimension", []Tensor{{Name: "a", Shape: []int{-1}, Data: nil}}, ErrShape, "a"},
		{"length mismatch", []Tensor{{Name: "a", Shape: []int{3}, Data: []float32{1, 2}}}, ErrShape, "a"},
		{"NaN", []Tensor{{Name: "a", Shape: []int{2}, Data: []float32{1, float32(math.NaN())}}}, ErrNonFinite, "a"},
		{"infinity", []Tensor{{Name: "a", Shape: []int{1}, Data: []float32{float32(math.Inf(1))}}}, ErrNonFinite, "a"},
		{"F16 overflow", []Tensor{{Name: "a", DType: F16, Shape: []int{1}, Data: []float32{70000}}}, ErrOverflow, "a"},
		{"BF16 overflow", []Tensor{{Name: "a", DType: BF16, Shape: []int{1}, Data: []float32{math.MaxFloat32}}}, ErrOverflow, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Encode(&buf, tt.in, nil)
			checkErr(t, err, tt.want, streamName, tt.tensor)
			if buf.Len() != 0 {
				t.Errorf("Encode wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestWriteFileLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := WriteFile(path, []Tensor{{Name: "a", Shape: []int{1}, Data: []float32{1}}}, nil); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	err = WriteFile(path, []Tensor{{Name: "a", Shape: []int{1}, Data: []float32{float32(math.NaN())}}}, nil)
	checkErr(t, err, ErrNonFinite, path, "a")
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("failed WriteFile changed the existing file (-before +after):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"m.safetensors"}, names); diff != "" {
		t.Errorf("directory after a failed write (-want +got):\n%s", diff)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "m.safetensors"), nil, nil); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}
