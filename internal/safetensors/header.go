package safetensors

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxHeaderSize is the largest JSON header accepted, in bytes (100 MB, the
// limit of the reference implementation). A file announcing a longer header
// is refused before anything is allocated for it.
const MaxHeaderSize = 100_000_000

// metadataKey is the reserved header key holding the string-to-string
// metadata map.
const metadataKey = "__metadata__"

// Info describes one stored tensor.
type Info struct {
	Name  string
	DType DType
	// Shape is the row-major shape; an empty Shape is a scalar (one element).
	Shape []int
	// Begin and End are the byte offsets of the tensor's data, relative to
	// the start of the data section (the byte after the header).
	Begin, End int64
}

// header is a parsed and validated safetensors header.
type header struct {
	infos []Info // sorted by name
	meta  map[string]string
}

// parseHeader parses the JSON header b of file and checks it against a data
// section of dataLen bytes: known dtypes, shapes matching byte lengths,
// offsets inside the data section, and tensors covering the data section
// exactly once (no overlap, no gap), as the format requires.
func parseHeader(file string, b []byte, dataLen int64) (header, error) {
	fail := func(tensor string, err error) (header, error) {
		return header{}, &Error{File: file, Tensor: tensor, Err: err}
	}
	if !utf8.Valid(b) {
		return fail("", fmt.Errorf("%w: not valid UTF-8", ErrHeader))
	}
	if len(b) == 0 || b[0] != '{' {
		return fail("", fmt.Errorf("%w: does not start with '{'", ErrHeader))
	}
	fields, rest, err := objectFields(b)
	if err != nil {
		return fail("", fmt.Errorf("%w: %w", ErrHeader, err))
	}
	if len(bytes.TrimLeft(rest, " \t\r\n")) != 0 {
		return fail("", fmt.Errorf("%w: data after the JSON object", ErrHeader))
	}
	var h header
	for _, f := range fields {
		if f.key == metadataKey {
			if len(f.value) == 0 || f.value[0] != '{' {
				return fail("", fmt.Errorf("%w: %s is not an object", ErrHeader, metadataKey))
			}
			if err := json.Unmarshal(f.value, &h.meta); err != nil {
				return fail("", fmt.Errorf("%w: %s is not a map of strings: %w", ErrHeader, metadataKey, err))
			}
			continue
		}
		info, err := parseEntry(f.key, f.value, dataLen)
		if err != nil {
			return fail(f.key, err)
		}
		h.infos = append(h.infos, info)
	}
	if name, err := checkCoverage(h.infos, dataLen); err != nil {
		return fail(name, err)
	}
	slices.SortFunc(h.infos, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	return h, nil
}

// field is one key of a JSON object with its raw value.
type field struct {
	key   string
	value json.RawMessage
}

// objectFields splits the JSON object at the start of b into its fields, in
// order, refusing duplicate keys. It returns the bytes after the object.
func objectFields(b []byte) ([]field, []byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var fields []field
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("object key is not a string")
		}
		if seen[key] {
			return nil, nil, fmt.Errorf("%w: %q", ErrDuplicate, key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("value of %q: %w", key, err)
		}
		fields = append(fields, field{key, v})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, nil, fmt.Errorf("unterminated object")
	}
	return fields, b[dec.InputOffset():], nil
}

// parseEntry parses one tensor entry {"dtype":..,"shape":[..],
// "data_offsets":[begin,end]} and checks it on its own.
func parseEntry(name string, raw []byte, dataLen int64) (Info, error) {
	if name == "" {
		return Info{}, fmt.Errorf("%w: empty tensor name", ErrHeader)
	}
	if len(raw) == 0 || raw[0] != '{' {
		return Info{}, fmt.Errorf("%w: entry is not an object", ErrHeader)
	}
	fields, _, err := objectFields(raw)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %w", ErrHeader, err)
	}
	var (
		dtype         string
		shape, offset []uint64
		got           = map[string]bool{}
	)
	for _, f := range fields {
		var dst any
		switch f.key {
		case "dtype":
			dst = &dtype
		case "shape":
			dst = &shape
		case "data_offsets":
			dst = &offset
		default:
			return Info{}, fmt.Errorf("%w: unknown field %q", ErrHeader, f.key)
		}
		if bytes.Equal(f.value, []byte("null")) {
			return Info{}, fmt.Errorf("%w: %s is null", ErrHeader, f.key)
		}
		if err := json.Unmarshal(f.value, dst); err != nil {
			return Info{}, fmt.Errorf("%w: %s: %w", ErrHeader, f.key, err)
		}
		got[f.key] = true
	}
	for _, k := range []string{"dtype", "shape", "data_offsets"} {
		if !got[k] {
			return Info{}, fmt.Errorf("%w: missing %s", ErrHeader, k)
		}
	}
	info := Info{Name: name, DType: DType(dtype)}
	if info.DType.Size() == 0 {
		return Info{}, fmt.Errorf("%w: unknown dtype %q", ErrDType, dtype)
	}
	if len(offset) != 2 {
		return Info{}, fmt.Errorf("%w: data_offsets has %d numbers, want 2", ErrHeader, len(offset))
	}
	if offset[0] > offset[1] || offset[1] > uint64(dataLen) {
		return Info{}, fmt.Errorf("%w: [%d, %d] in a data section of %d bytes", ErrOffsets, offset[0], offset[1], dataLen)
	}
	info.Begin, info.End = int64(offset[0]), int64(offset[1])
	n, ok := elements(shape)
	if !ok {
		return Info{}, fmt.Errorf("%w: shape %v overflows", ErrShape, shape)
	}
	hi, nbytes := bits.Mul64(n, uint64(info.DType.Size()))
	if hi != 0 || nbytes != offset[1]-offset[0] {
		return Info{}, fmt.Errorf("%w: shape %v of %s needs %d elements of %d bytes, data_offsets [%d, %d] hold %d bytes",
			ErrShape, shape, dtype, n, info.DType.Size(), offset[0], offset[1], offset[1]-offset[0])
	}
	info.Shape = make([]int, len(shape))
	for i, d := range shape {
		info.Shape[i] = int(d) // elements checked each d against MaxInt
	}
	return info, nil
}

// elements returns the product of shape, or false if it or any dimension
// does not fit in an int.
func elements(shape []uint64) (uint64, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d > math.MaxInt {
			return 0, false
		}
		if d == 0 {
			n = 0
		}
	}
	if n == 0 {
		return 0, true
	}
	for _, d := range shape {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > math.MaxInt {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// checkCoverage checks that the tensors' byte ranges tile [0, dataLen)
// exactly: sorted by offset, each begins where the previous ended. It returns
// the name of the first offending tensor.
func checkCoverage(infos []Info, dataLen int64) (string, error) {
	byOffset := slices.Clone(infos)
	slices.SortFunc(byOffset, func(a, b Info) int {
		return cmp.Or(cmp.Compare(a.Begin, b.Begin), cmp.Compare(a.End, b.End), strings.Compare(a.Name, b.Name))
	})
	var at int64
	var prev string
	for _, in := range byOffset {
		if in.Begin < at {
			return in.Name, fmt.Errorf("%w: [%d, %d] overlaps %q ending at %d", ErrOverlap, in.Begin, in.End, prev, at)
		}
		if in.Begin > at {
			return in.Name, fmt.Errorf("%w: bytes [%d, %d) before it belong to no tensor", ErrGap, at, in.Begin)
		}
		at, prev = in.End, in.Name
	}
	if at != dataLen {
		return "", fmt.Errorf("%w: bytes [%d, %d) belong to no tensor", ErrGap, at, dataLen)
	}
	return "", nil
}
