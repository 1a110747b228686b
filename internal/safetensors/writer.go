package safetensors

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Tensor is one tensor to write.
type Tensor struct {
	Name string
	// DType is the stored element type; the zero value means F32. F16 and
	// BF16 round to nearest, ties to even.
	DType DType
	// Shape is the row-major shape; empty for a scalar.
	Shape []int
	// Data holds the product of Shape values in row-major order.
	Data []float32
}

// streamName names the destination of Encode in errors.
const streamName = "(stream)"

// Encode writes tensors and metadata in the safetensors format to w. The
// output is deterministic: tensors are laid out sorted by name, the header's
// keys are sorted, and the header is padded with spaces to a multiple of 8
// bytes so the data section is aligned. It fails, writing nothing, on an
// empty, reserved or duplicate name, an unknown dtype, a negative dimension,
// a Data length that does not match the shape, a NaN or infinity, or a finite
// value too large for the chosen dtype.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	return encodeAs(w, streamName, tensors, metadata)
}

// encodeAs is Encode with a file name for errors.
func encodeAs(w io.Writer, file string, tensors []Tensor, metadata map[string]string) error {
	sorted, head, err := buildHeader(file, tensors, metadata)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, chunkBytes)
	var prefix [8]byte
	for i := range prefix {
		prefix[i] = byte(uint64(len(head)) >> (8 * i))
	}
	bw.Write(prefix[:])
	bw.Write(head)
	buf := make([]byte, 0, chunkBytes)
	for _, t := range sorted {
		for at := 0; at < len(t.Data); at += chunkBytes / 4 {
			part := t.Data[at:min(len(t.Data), at+chunkBytes/4)]
			buf = encode(t.DType, part, buf[:0])
			if _, err := bw.Write(buf); err != nil {
				return &Error{File: file, Tensor: t.Name, Err: err}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return &Error{File: file, Err: err}
	}
	return nil
}

// headerEntry is one tensor's entry in the JSON header.
type headerEntry struct {
	DType       DType    `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// buildHeader validates tensors and returns them sorted by name with F32
// filled in for an empty DType, and the padded JSON header.
func buildHeader(file string, tensors []Tensor, metadata map[string]string) ([]Tensor, []byte, error) {
	sorted := slices.Clone(tensors)
	slices.SortFunc(sorted, func(a, b Tensor) int { return strings.Compare(a.Name, b.Name) })
	entries := make(map[string]any, len(sorted)+1)
	if metadata != nil {
		entries[metadataKey] = metadata
	}
	var offset int64
	for i := range sorted {
		t := &sorted[i]
		if t.DType == "" {
			t.DType = F32
		}
		if err := checkTensor(*t); err != nil {
			return nil, nil, &Error{File: file, Tensor: t.Name, Err: err}
		}
		if i > 0 && sorted[i-1].Name == t.Name {
			return nil, nil, &Error{File: file, Tensor: t.Name, Err: ErrDuplicate}
		}
		end := offset + int64(len(t.Data)*t.DType.Size())
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		entries[t.Name] = headerEntry{DType: t.DType, Shape: shape, DataOffsets: [2]int64{offset, end}}
		offset = end
	}
	var head bytes.Buffer
	enc := json.NewEncoder(&head)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(entries); err != nil {
		return nil, nil, &Error{File: file, Err: err}
	}
	head.Truncate(head.Len() - 1) // Encode's newline
	for head.Len()%8 != 0 {
		head.WriteByte(' ')
	}
	if head.Len() > MaxHeaderSize {
		return nil, nil, &Error{File: file, Err: fmt.Errorf("%w: %d bytes", ErrHeaderTooLarge, head.Len())}
	}
	return sorted, head.Bytes(), nil
}

// checkTensor validates one tensor before anything is written.
func checkTensor(t Tensor) error {
	switch {
	case t.Name == "":
		return fmt.Errorf("%w: empty tensor name", ErrHeader)
	case t.Name == metadataKey:
		return fmt.Errorf("%w: %s is reserved", ErrHeader, metadataKey)
	case !t.DType.float():
		return fmt.Errorf("%w: %q (want F32, F16 or BF16)", ErrDType, t.DType)
	}
	n := 1
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("%w: negative dimension in %v", ErrShape, t.Shape)
		}
		if d != 0 && n > math.MaxInt/d {
			return fmt.Errorf("%w: shape %v overflows", ErrShape, t.Shape)
		}
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("%w: shape %v has %d elements, data has %d", ErrShape, t.Shape, n, len(t.Data))
	}
	for i, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: element %d is %v", ErrNonFinite, i, v)
		}
		if !fits(t.DType, v) {
			return fmt.Errorf("%w: element %d (%g) does not fit in %s", ErrOverflow, i, v, t.DType)
		}
	}
	return nil
}

// WriteFile writes tensors and metadata to path as Encode does, through a
// temporary file in the same directory that is renamed into place only once
// complete and synced: on failure no file is left behind and an existing
// file at path is untouched. The file gets mode 0644.
func WriteFile(path string, tensors []Tensor, metadata map[string]string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return &Error{File: path, Err: err}
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := encodeAs(f, path, tensors, metadata); err != nil {
		return err
	}
	if err := errors.Join(f.Chmod(0o644), f.Sync()); err != nil {
		return &Error{File: path, Err: err}
	}
	if err := f.Close(); err != nil {
		return &Error{File: path, Err: err}
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return &Error{File: path, Err: err}
	}
	return nil
}
