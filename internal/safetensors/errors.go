package safetensors

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error returned by this package wraps one of them in
// an *Error naming the file and, where one is involved, the tensor; test with
// errors.Is.
var (
	ErrTruncated      = errors.New("file truncated")
	ErrHeaderTooLarge = errors.New("header length over the limit")
	ErrHeader         = errors.New("malformed header")
	ErrDType          = errors.New("unsupported dtype")
	ErrShape          = errors.New("shape does not match the byte length")
	ErrOffsets        = errors.New("data offsets out of range")
	ErrOverlap        = errors.New("tensors overlap")
	ErrGap            = errors.New("data section not fully covered")
	ErrNonFinite      = errors.New("non-finite value")
	ErrOverflow       = errors.New("value overflows the dtype")
	ErrNotFound       = errors.New("no such tensor")
	ErrDuplicate      = errors.New("duplicate tensor name")
)

// Error is the error type of this package: what went wrong (Err, one of the
// sentinels above, possibly wrapped with detail), in which file and for which
// tensor (empty when the problem is not about one tensor).
type Error struct {
	File   string
	Tensor string
	Err    error
}

// Error formats the error as `safetensors: FILE: tensor "NAME": DETAIL`.
func (e *Error) Error() string {
	s := "safetensors: " + e.File
	if e.Tensor != "" {
		s += ": tensor " + strconv.Quote(e.Tensor)
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error, so that errors.Is finds the sentinel.
func (e *Error) Unwrap() error { return e.Err }
