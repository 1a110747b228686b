package safetensors

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
)

// chunkBytes is how much tensor data Float32s reads at a time, so that
// reading a tensor never holds more than this many raw bytes beside the
// float32 result.
const chunkBytes = 1 << 20

// Reader reads the tensors of one safetensors file through an io.ReaderAt.
// Creating it parses and validates the whole header; tensor data is read on
// demand. A Reader is safe for concurrent use if its io.ReaderAt is.
type Reader struct {
	name      string
	r         io.ReaderAt
	dataStart int64
	h         header
	index     map[string]int

	// AllowNonFinite makes Float32s return NaN and infinite values instead
	// of failing with ErrNonFinite. Set it before reading.
	AllowNonFinite bool
}

// NewReader parses the header of the safetensors data held in r, which has
// size bytes; name is the file name used in errors. It checks the header
// length against MaxHeaderSize and the file size, and the header itself (see
// Info and the package comment).
func NewReader(r io.ReaderAt, size int64, name string) (*Reader, error) {
	fail := func(err error) (*Reader, error) { return nil, &Error{File: name, Err: err} }
	var prefix [8]byte
	if size < 8 {
		return fail(fmt.Errorf("%w: %d bytes, need at least 8", ErrTruncated, size))
	}
	if err := readFull(r, prefix[:], 0); err != nil {
		return fail(err)
	}
	n := uint64(le32(prefix[:])) | uint64(le32(prefix[4:]))<<32
	if n > MaxHeaderSize {
		return fail(fmt.Errorf("%w: %d bytes announced, limit %d", ErrHeaderTooLarge, n, MaxHeaderSize))
	}
	if int64(n) > size-8 {
		return fail(fmt.Errorf("%w: header of %d bytes announced, file has %d", ErrTruncated, n, size))
	}
	b := make([]byte, n)
	if err := readFull(r, b, 8); err != nil {
		return fail(err)
	}
	dataStart := 8 + int64(n)
	h, err := parseHeader(name, b, size-dataStart)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(h.infos))
	for i, in := range h.infos {
		index[in.Name] = i
	}
	return &Reader{name: name, r: r, dataStart: dataStart, h: h, index: index}, nil
}

// readFull reads len(b) bytes at off, reporting a short read as ErrTruncated.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: read %d of %d bytes at offset %d", ErrTruncated, n, len(b), off)
	}
	return fmt.Errorf("reading %d bytes at offset %d: %w", len(b), off, err)
}

// Name returns the file name given to NewReader or Open.
func (r *Reader) Name() string { return r.name }

// Tensors describes every tensor of the file, sorted by name.
func (r *Reader) Tensors() []Info {
	out := make([]Info, len(r.h.infos))
	for i, in := range r.h.infos {
		in.Shape = slices.Clone(in.Shape)
		out[i] = in
	}
	return out
}

// Info describes the tensor called name, or reports false if there is none.
func (r *Reader) Info(name string) (Info, bool) {
	i, ok := r.index[name]
	if !ok {
		return Info{}, false
	}
	in := r.h.infos[i]
	in.Shape = slices.Clone(in.Shape)
	return in, true
}

// Metadata returns a copy of the header's __metadata__ map (nil if absent).
func (r *Reader) Metadata() map[string]string { return maps.Clone(r.h.meta) }

// Float32s reads the tensor called name, converted to float32, in row-major
// order (its shape is in Info). Only F32, F16 and BF16 tensors can be read;
// another dtype is an error wrapping ErrDType. Unless AllowNonFinite is set, a NaN or an
// infinity is an error wrapping ErrNonFinite naming the tensor and the
// element's index.
func (r *Reader) Float32s(name string) ([]float32, error) {
	fail := func(err error) ([]float32, error) { return nil, &Error{File: r.name, Tensor: name, Err: err} }
	i, ok := r.index[name]
	if !ok {
		return fail(ErrNotFound)
	}
	in := r.h.infos[i]
	if !in.DType.float() {
		return fail(fmt.Errorf("%w: %s cannot be read as float32 (want F32, F16 or BF16)", ErrDType, in.DType))
	}
	size := int64(in.DType.Size())
	out := make([]float32, (in.End-in.Begin)/size)
	step := chunkBytes / size
	raw := make([]byte, min(int64(len(out)), step)*size)
	for at := int64(0); at < int64(len(out)); at += step {
		n := min(step, int64(len(out))-at)
		if err := readFull(r.r, raw[:n*size], r.dataStart+in.Begin+at*size); err != nil {
			return fail(err)
		}
		decode(in.DType, raw[:n*size], out[at:at+n])
	}
	if !r.AllowNonFinite {
		for j, v := range out {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fail(fmt.Errorf("%w: element %d is %v", ErrNonFinite, j, v))
			}
		}
	}
	return out, nil
}

// File is a Reader over an open file; Close it when done.
type File struct {
	*Reader
	f *os.File
}

// Open opens the safetensors file at path and parses its header.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &Error{File: path, Err: err}
	}
	r, err := NewReader(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{Reader: r, f: f}, nil
}

// Close closes the underlying file.
func (f *File) Close() error { return f.f.Close() }
