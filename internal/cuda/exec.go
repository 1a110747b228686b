package cuda

import (
	"errors"
	"fmt"
	"unsafe"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// memory hands out device memory (from the Device's pool).
type memory interface {
	alloc(bytes int64) (devPtr, error)
	release(p devPtr) error
}

// copier moves bytes between host and device, in stream order.
type copier interface {
	upload(dst devPtr, src unsafe.Pointer, bytes int64) error
	download(dst unsafe.Pointer, src devPtr, bytes int64) error
}

// launcher launches a kernel of the loaded module and checks the launch.
// args are devPtr, int32, int64 or float32 values.
type launcher interface {
	launch(k kernel, g geom, args ...any) error
}

// device is what the executor needs of a Device.
type device interface {
	memory
	copier
	launcher
}

// Exec is the CUDA executor: it implements nn.Exec and the fused abilities
// of package nn (Softmaxer, LayerNormer, RMSNormer, Activator, Attender)
// over float32 buffers in device memory, running the kernels of
// kernels/*.cu on the Device's stream. Operations only enqueue work; Read
// waits for it. Errors are sticky, as nn.Exec demands, and include launch
// failures (every launch is checked).
//
// An Exec is not safe for concurrent use; several Execs may share a
// Device. Its buffers come from the Device's pool and go back on Reset or
// Release. Param uploads each distinct tensor once and keeps it on the
// device until Release: a parameter must not change while an Exec holds it.
type Exec struct {
	dev    device
	err    error
	tf32   bool
	owned  []devPtr // buffers of values and kernel metadata, released on Reset
	params map[*tensor.Dense]*value
	pinned []devPtr // parameter buffers, released on Release
}

var (
	_ nn.Exec        = (*Exec)(nil)
	_ nn.Softmaxer   = (*Exec)(nil)
	_ nn.LayerNormer = (*Exec)(nil)
	_ nn.RMSNormer   = (*Exec)(nil)
	_ nn.Activator   = (*Exec)(nil)
	_ nn.Attender    = (*Exec)(nil)
)

// Option configures an Exec.
type Option func(*Exec)

// WithTF32 makes MatMul use the TF32 tensor cores (inputs rounded to a
// 10-bit mantissa, float32 accumulation): several times faster on large
// products, about 1e-3 relative error instead of float32's 1e-6. Off by
// default; the conformance suite runs without it.
func WithTF32() Option { return func(e *Exec) { e.tf32 = true } }

// NewExec returns an executor on d. A build without the videodit_cuda tag returns
// ErrNoCUDA; a closed or nil Device an error.
func NewExec(d *Device, opts ...Option) (*Exec, error) {
	if d == nil {
		return nil, errors.New("cuda: NewExec of a nil Device")
	}
	dev, err := d.backend()
	if err != nil {
		return nil, err
	}
	return newExec(dev, opts...), nil
}

func newExec(dev device, opts ...Option) *Exec {
	e := &Exec{dev: dev, params: map[*tensor.Dense]*value{}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// value is the nn.V of the executor: shape.TotalSize() float32 at ptr in
// device memory, row-major. ptr is 0 for an empty value and for a
// placeholder (placeholder set) returned after an error.
type value struct {
	shape       tensor.Shape
	ptr         devPtr
	placeholder bool
}

// Shape returns the dimensions, outermost first.
func (v *value) Shape() tensor.Shape { return v.shape }

// Err returns the first error met by any operation, or nil.
func (e *Exec) Err() error { return e.err }

// fail records the first error, naming the operation.
func (e *Exec) fail(op, format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("cuda: %s: %s", op, fmt.Sprintf(format, args...))
	}
}

// failErr records err (a device error) as the first error.
func (e *Exec) failErr(op string, err error) {
	if e.err == nil && err != nil {
		e.err = fmt.Errorf("cuda: %s: %w", op, err)
	}
}

// arg returns v as a value of this executor, or records an error and
// returns nil.
func (e *Exec) arg(op string, v nn.V) *value {
	cv, ok := v.(*value)
	if !ok || cv == nil {
		e.fail(op, "operand of type %T is not a value of the CUDA executor", v)
		return nil
	}
	if cv.placeholder && e.err == nil {
		e.fail(op, "operand of shape %v is a placeholder of a failed executor", cv.shape)
		return nil
	}
	return cv
}

// shapeOf returns v's shape, or the empty shape for nil.
func shapeOf(v nn.V) tensor.Shape {
	if cv, ok := v.(*value); ok && cv != nil {
		return cv.shape
	}
	if v == nil {
		return tensor.Shape{}
	}
	return v.Shape()
}

// isNil reports whether an optional operand (a bias, a beta) is absent.
func isNil(v nn.V) bool {
	if v == nil {
		return true
	}
	cv, ok := v.(*value)
	return ok && cv == nil
}

// placeholder returns a value without memory, negative sizes raised to 0.
func (e *Exec) placeholder(shape tensor.Shape) nn.V {
	s := shape.Clone()
	for i, d := range s {
		s[i] = max(d, 0)
	}
	return &value{shape: s, placeholder: true}
}

// alloc returns a new value of the given shape with uninitialised device
// memory (none for an empty shape), or nil after recording an error.
func (e *Exec) alloc(op string, shape tensor.Shape) *value {
	v := &value{shape: shape}
	n := int64(shape.TotalSize())
	if n == 0 {
		return v
	}
	p, err := e.dev.alloc(4 * n)
	if err != nil {
		e.failErr(op, fmt.Errorf("output of shape %v: %w", shape, err))
		return nil
	}
	e.owned = append(e.owned, p)
	v.ptr = p
	return v
}

// metaInt64 uploads kernel metadata and returns its device address, or 0
// after recording an error.
func (e *Exec) metaInt64(op string, m []int64) devPtr {
	return e.uploadOwned(op, unsafe.Pointer(unsafe.SliceData(m)), int64(8*len(m)))
}

// metaInt32 uploads int32 kernel data (Gather's ids).
func (e *Exec) metaInt32(op string, m []int32) devPtr {
	return e.uploadOwned(op, unsafe.Pointer(unsafe.SliceData(m)), int64(4*len(m)))
}

func (e *Exec) uploadOwned(op string, src unsafe.Pointer, bytes int64) devPtr {
	p, err := e.dev.alloc(bytes)
	if err != nil {
		e.failErr(op, err)
		return 0
	}
	e.owned = append(e.owned, p)
	if err := e.dev.upload(p, src, bytes); err != nil {
		e.failErr(op, err)
		return 0
	}
	return p
}

// launch runs a kernel, recording its error.
func (e *Exec) launch(op string, k kernel, g geom, args ...any) {
	if err := e.dev.launch(k, g, args...); err != nil {
		e.failErr(op, fmt.Errorf("kernel %s: %w", k, err))
	}
}

// Param returns the value of a float32 parameter tensor of any shape,
// uploading it on first use.
func (e *Exec) Param(p *tensor.Dense) nn.V {
	if v, ok := e.params[p]; ok && p != nil {
		return v
	}
	v := e.input("Param", p, true)
	if cv, ok := v.(*value); ok && !cv.placeholder {
		e.params[p] = cv
	}
	return v
}

// Const returns the value of a float32 input tensor, uploaded now.
func (e *Exec) Const(t *tensor.Dense) nn.V { return e.input("Const", t, false) }

func (e *Exec) input(op string, t *tensor.Dense, param bool) nn.V {
	shape := tensor.Shape{}
	if t != nil {
		shape = t.Shape().Clone()
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	data, _, err := nn.InputData(t)
	if err != nil {
		e.failErr(op, err)
		return e.placeholder(shape)
	}
	n := len(data)
	v := &value{shape: shape}
	if n == 0 {
		return v
	}
	p, err := e.dev.alloc(int64(4 * n))
	if err != nil {
		e.failErr(op, fmt.Errorf("tensor of shape %v: %w", shape, err))
		return e.placeholder(shape)
	}
	if param {
		e.pinned = append(e.pinned, p)
	} else {
		e.owned = append(e.owned, p)
	}
	if err := e.dev.upload(p, unsafe.Pointer(unsafe.SliceData(data)), int64(4*n)); err != nil {
		e.failErr(op, fmt.Errorf("tensor of shape %v: %w", shape, err))
		return e.placeholder(shape)
	}
	v.ptr = p
	return v
}

// Read waits for the work queued so far and returns the elements of v in
// row-major order (shape v.Shape()). It fails on a value of another
// executor, a placeholder, or once the executor has an error.
func (e *Exec) Read(v nn.V) ([]float32, error) {
	if e.err != nil {
		return nil, e.err
	}
	cv, ok := v.(*value)
	if !ok || cv == nil {
		return nil, fmt.Errorf("cuda: Read: value of type %T is not a value of the CUDA executor", v)
	}
	if cv.placeholder {
		return nil, fmt.Errorf("cuda: Read: value of shape %v is a placeholder", cv.shape)
	}
	out := make([]float32, cv.shape.TotalSize())
	if len(out) == 0 {
		return out, nil
	}
	if err := e.dev.download(unsafe.Pointer(unsafe.SliceData(out)), cv.ptr, int64(4*len(out))); err != nil {
		e.failErr("Read", err)
		return nil, e.err
	}
	return out, nil
}

// Dense is Read as a tensor of shape v.Shape().
func (e *Exec) Dense(v nn.V) (*tensor.Dense, error) {
	data, err := e.Read(v)
	if err != nil {
		return nil, err
	}
	return tensor.New(tensor.WithShape(v.Shape().Clone()...), tensor.WithBacking(data)), nil
}

// Reset returns every buffer but the parameters' to the Device's pool and
// clears the error, so that the Exec (and its uploaded parameters) serves
// the next forward pass. Values from before Reset must not be used.
func (e *Exec) Reset() error {
	err := e.releaseAll(e.owned)
	e.owned = e.owned[:0]
	e.err = nil
	return err
}

// Release returns every buffer, parameters included, to the Device's pool.
// The Exec must not be used afterwards.
func (e *Exec) Release() error {
	err := e.Reset()
	if perr := e.releaseAll(e.pinned); err == nil {
		err = perr
	}
	e.pinned = nil
	clear(e.params)
	return err
}

func (e *Exec) releaseAll(ps []devPtr) error {
	var first error
	for _, p := range ps {
		if err := e.dev.release(p); err != nil && first == nil {
			first = err
		}
	}
	return first
}
