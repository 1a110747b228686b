package safetensors

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// craft builds a safetensors file from a raw header and data section, with
// the header length given explicitly (n == -1 means the true length).
func craft(head string, n int64, data []byte) []byte {
	if n == -1 {
		n = int64(len(head))
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(n))
	return append(append(b, head...), data...)
}

// f32bytes encodes values as little-endian float32.
func f32bytes(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func TestReaderGood(t *testing.T) {
	head := `{"__metadata__":{"format":"pt"},` +
		`"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},` +
		`"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},` +
		`"c":{"dtype":"BF16","shape":[],"data_offsets":[12,14]},` +
		`"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[14,14]}}   `
	data := append(f32bytes(1.5, -2), 0x00, 0x3c, 0x01, 0x00, 0x80, 0xbf) // F16 1, 2^-24; BF16 -1
	r, err := NewReader(bytes.NewReader(craft(head, -1, data)), int64(8+len(head)+len(data)), "good.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	wantInfos := []Info{
		{Name: "a", DType: F32, Shape: []int{1, 2}, Begin: 0, End: 8},
		{Name: "b", DType: F16, Shape: []int{2}, Begin: 8, End: 12},
		{Name: "c", DType: BF16, Shape: []int{}, Begin: 12, End: 14},
		{Name: "empty", DType: F32, Shape: []int{0, 3}, Begin: 14, End: 14},
	}
	if diff := cmp.Diff(wantInfos, r.Tensors()); diff != "" {
		t.Errorf("Tensors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"format": "pt"}, r.Metadata()); diff != "" {
		t.Errorf("Metadata (-want +got):\n%s", diff)
	}
	want := map[string][]float32{"a": {1.5, -2}, "b": {1, 0x1p-24}, "c": {-1}, "empty": {}}
	got := map[string][]float32{}
	for name := range want {
		v, err := r.Float32s(name)
		if err != nil {
			t.Fatal(err)
		}
		got[name] = v
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Float32s (-want +got):\n%s", diff)
	}
}

// shortReaderAt serves only the first n bytes of b, as a file that shrank
// after its header was read.
type shortReaderAt struct {
	b []byte
	n int
}

func (s shortReaderAt) ReadAt(p []byte, off int64) (int, error) {
	return bytes.NewReader(s.b[:s.n]).ReadAt(p, off)
}

func TestReaderBadInput(t *testing.T) {
	one := `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	nan := f32bytes(1, float32(math.NaN()))
	tests := []struct {
		name   string
		file   []byte
		size   int64  // bytes the reader serves; -1: all
		read   string // tensor to read after a successful NewReader
		want   error
		tensor string // the tensor the message must name; "" for none
	}{
		{"empty file", nil, -1, "", ErrTruncated, ""},
		{"seven bytes", []byte{1, 2, 3, 4, 5, 6, 7}, -1, "", ErrTruncated, ""},
		{"header longer than file", craft(one, 1000, f32bytes(1, 2)), -1, "", ErrTruncated, ""},
		{"header length over limit", craft(one, MaxHeaderSize+1, nil), -1, "", ErrHeaderTooLarge, ""},
		{"header length 2^63", craft(one, math.MinInt64, nil), -1, "", ErrHeaderTooLarge, ""},
		{"data truncated", craft(one, -1, f32bytes(1)), -1, "", ErrOffsets, "w"},
		{"file shrank after open", craft(one, -1, f32bytes(1, 2)), 8 + int64(len(one)) + 4, "w", ErrTruncated, "w"},
		{"end beyond data", craft(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, -1, f32bytes(1, 2)), -1, "", ErrOffsets, "w"},
		{"begin after end", craft(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}`, -1, f32bytes(1, 2)), -1, "", ErrOffsets, "w"},
		{"overlap", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, -1, f32bytes(1, 2, 3)), -1, "", ErrOverlap, "b"},
		{"same range twice", craft(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrOverlap, "b"},
		{"gap between tensors", craft(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, -1, f32bytes(1, 2, 3)), -1, "", ErrGap, "b"},
		{"trailing unindexed bytes", craft(one, -1, f32bytes(1, 2, 3)), -1, "", ErrGap, ""},
		{"dtype F64 opens, does not read", craft(`{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "w", ErrDType, "w"},
		{"dtype I32 opens, does not read", craft(`{"w":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "w", ErrDType, "w"},
		{"I64 size checked", craft(`{"w":{"dtype":"I64","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrShape, "w"},
		{"unknown dtype", craft(`{"w":{"dtype":"F4","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrDType, "w"},
		{"lower-case dtype", craft(`{"w":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrDType, "w"},
		{"shape too small for bytes", craft(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrShape, "w"},
		{"shape too big for bytes", craft(`{"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrShape, "w"},
		{"shape product overflows", craft(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrShape, "w"},
		{"negative dimension", craft(`{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"fractional dimension", craft(`{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"three offsets", craft(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"missing shape", craft(`{"w":{"dtype":"F32","data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"null shape", craft(`{"w":{"dtype":"F32","shape":null,"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"unknown field", craft(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"field name in other case", craft(`{"w":{"DTYPE":"F32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, "w"},
		{"duplicate field", craft(`{"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrDuplicate, "w"},
		{"duplicate tensor", craft(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrDuplicate, ""},
		{"entry not an object", craft(`{"w":[1]}`, -1, nil), -1, "", ErrHeader, "w"},
		{"empty name", craft(`{"":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, -1, f32bytes(1, 2)), -1, "", ErrHeader, ""},
		{"metadata not strings", craft(`{"__metadata__":{"n":1}}`, -1, nil), -1, "", ErrHeader, ""},
		{"metadata null", craft(`{"__metadata__":null}`, -1, nil), -1, "", ErrHeader, ""},
		{"not JSON", craft(`{"w":`, -1, nil), -1, "", ErrHeader, ""},
		{"header not an object", craft(`[1,2]`, -1, nil), -1, "", ErrHeader, ""},
		{"leading space", craft(` {}`, -1, nil), -1, "", ErrHeader, ""},
		{"trailing garbage", craft(`{} x`, -1, nil), -1, "", ErrHeader, ""},
		{"two objects", craft(`{}{}`, -1, nil), -1, "", ErrHeader, ""},
		{"invalid UTF-8", craft("{\"\xff\":{}}", -1, nil), -1, "", ErrHeader, ""},
		{"NaN", craft(one, -1, nan), -1, "w", ErrNonFinite, "w"},
		{"F16 infinity", craft(`{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`, -1, []byte{0x00, 0x7c}), -1, "h", ErrNonFinite, "h"},
		{"BF16 NaN", craft(`{"h":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`, -1, []byte{0xc0, 0xff}), -1, "h", ErrNonFinite, "h"},
		{"no such tensor", craft(one, -1, f32bytes(1, 2)), -1, "v", ErrNotFound, "v"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := tt.size
			var ra io.ReaderAt = bytes.NewReader(tt.file)
			if size < 0 {
				size = int64(len(tt.file))
			} else {
				ra = shortReaderAt{tt.file, int(size)}
				size = int64(len(tt.file))
			}
			r, err := NewReader(ra, size, "bad.safetensors")
			if err == nil {
				if tt.read == "" {
					t.Fatalf("NewReader succeeded, want %v", tt.want)
				}
				_, err = r.Float32s(tt.read)
			} else if tt.read != "" {
				t.Fatalf("NewReader: %v, want it to succeed and Float32s(%q) to fail", err, tt.read)
			}
			checkErr(t, err, tt.want, "bad.safetensors", tt.tensor)
		})
	}
}

// checkErr checks that err wraps want, is an *Error, and names file and
// tensor.
func checkErr(t *testing.T, err, want error, file, tensor string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want one wrapping %v", err, want)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if diff := cmp.Diff([2]string{file, tensor}, [2]string{e.File, e.Tensor}); diff != "" {
		t.Errorf("error %q names (-want +got):\n%s", err, diff)
	}
	if !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), `"`+tensor+`"`) && tensor != "" {
		t.Errorf("message %q does not name file %q and tensor %q", err, file, tensor)
	}
}

func TestReaderAllowNonFinite(t *testing.T) {
	file := craft(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}`, -1, f32bytes(1, float32(math.Inf(-1)), float32(math.NaN())))
	r, err := NewReader(bytes.NewReader(file), int64(len(file)), "nan.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	r.AllowNonFinite = true
	got, err := r.Float32s("w")
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 1 || !math.IsInf(float64(got[1]), -1) || !math.IsNaN(float64(got[2])) {
		t.Errorf("Float32s = %v, want [1 -Inf NaN]", got)
	}
}
