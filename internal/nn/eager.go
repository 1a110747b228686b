package nn

import (
	"fmt"
	"runtime"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/gemm"
)

// Eager is the eager CPU executor: every operation runs as soon as it is
// called, on float32 data held in contiguous row-major slices, and returns
// its result. It has no autodiff; it is the inference executor.
//
// Besides the primitives of Exec it implements every optional ability of
// abilities.go (Softmaxer, LayerNormer, RMSNormer, Activator, Attender) as a
// fused kernel. Large operations are split over GOMAXPROCS goroutines (as
// read by NewEager) by rows or batches; the split depends only on the shapes
// and every output element is computed by one goroutine, so results never
// depend on scheduling.
//
// Values are immutable: no operation writes into its operands, so results
// may share memory with their operands (Reshape, Slice along the outermost
// axis, Transpose by the identity) and with the tensors given to Param and
// Const, which are read in place when they are contiguous row-major.
//
// An Eager holds the sticky error of its operations; it is not safe for
// concurrent use by several goroutines. Use one Eager per goroutine.
type Eager struct {
	err     error
	workers int
	// avx2 selects the AVX2+FMA kernels (eager_exp_amd64.s).
	avx2 bool
}

var (
	_ Exec        = (*Eager)(nil)
	_ Softmaxer   = (*Eager)(nil)
	_ LayerNormer = (*Eager)(nil)
	_ RMSNormer   = (*Eager)(nil)
	_ Activator   = (*Eager)(nil)
	_ Attender    = (*Eager)(nil)
)

// NewEager returns an eager executor that uses up to GOMAXPROCS goroutines
// (read now) for large operations, and AVX2+FMA kernels when the CPU has
// them (not under the noasm build tag).
func NewEager() *Eager {
	return &Eager{workers: max(1, runtime.GOMAXPROCS(0)), avx2: gemm.HasAVX2FMA()}
}

// eagerValue is the V of the eager executor. data holds shape.TotalSize()
// float32 in row-major order, or is nil for a placeholder: the value an
// operation returns once the executor has an error.
type eagerValue struct {
	shape tensor.Shape
	data  []float32
	// dense is the tensor given to Param or Const, or the one Dense built.
	dense *tensor.Dense
}

// Shape returns the dimensions, outermost first.
func (v *eagerValue) Shape() tensor.Shape { return v.shape }

// Err returns the first error met by any operation, or nil.
func (e *Eager) Err() error { return e.err }

// Param returns the value of a float32 parameter tensor of any shape. A
// contiguous row-major tensor is read in place (it must not change while its
// values are in use); a view is copied.
func (e *Eager) Param(p *tensor.Dense) V { return e.input("Param", p) }

// Const returns the value of a float32 input tensor of any shape, read like
// Param's.
func (e *Eager) Const(t *tensor.Dense) V { return e.input("Const", t) }

func (e *Eager) input(op string, t *tensor.Dense) V {
	shape := tensor.Shape{}
	if t != nil {
		shape = t.Shape().Clone()
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	data, t, err := InputData(t)
	if err != nil {
		e.failErr(op, err)
		return e.placeholder(shape)
	}
	return &eagerValue{shape: shape, data: data, dense: t}
}

// Dense returns the result tensor of v, shape v.Shape(), row-major. It
// shares memory with v: the caller must not modify it. A placeholder left by
// a failed operation reads as zeros. A value of another executor records an
// error and returns nil.
func (e *Eager) Dense(v V) *tensor.Dense {
	ev, ok := v.(*eagerValue)
	if !ok || ev == nil {
		e.fail("Dense", "value of type %T is not a value of the eager executor", v)
		return nil
	}
	if ev.dense == nil {
		data := ev.data
		if data == nil {
			data = make([]float32, ev.shape.TotalSize())
		}
		ev.dense = tensor.New(tensor.WithShape(ev.shape.Clone()...), tensor.WithBacking(data))
	}
	return ev.dense
}

// fail records the first error, naming the operation.
func (e *Eager) fail(op, format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf("nn: eager %s: %s", op, fmt.Sprintf(format, args...))
	}
}

// failErr records err, from a shape rule of shapes.go, as the first error,
// naming the operation.
func (e *Eager) failErr(op string, err error) {
	if e.err == nil {
		e.err = fmt.Errorf("nn: eager %s: %w", op, err)
	}
}

// arg returns v as an eager value, or records an error naming the operation
// and returns nil. Once the executor has an error, placeholders pass.
func (e *Eager) arg(op string, v V) *eagerValue {
	ev, ok := v.(*eagerValue)
	if !ok || ev == nil {
		e.fail(op, "operand of type %T is not a value of the eager executor", v)
		return nil
	}
	if ev.data == nil && e.err == nil && ev.shape.TotalSize() > 0 {
		e.fail(op, "operand of shape %v is a placeholder of a failed executor", ev.shape)
		return nil
	}
	return ev
}

// placeholder returns a value without data of the given shape, negative
// sizes (from a bad Reshape) raised to 0.
func (e *Eager) placeholder(shape tensor.Shape) V {
	for i, d := range shape {
		if d < 0 {
			shape = shape.Clone()
			shape[i] = 0
		}
	}
	return &eagerValue{shape: shape}
}

// alloc returns a new value of the given shape with zeroed data.
func (e *Eager) alloc(shape tensor.Shape) *eagerValue {
	return &eagerValue{shape: shape, data: make([]float32, shape.TotalSize())}
}

// eagerShapeOf returns v's shape, or the empty shape for a nil value.
func eagerShapeOf(v V) tensor.Shape {
	if ev, ok := v.(*eagerValue); ok {
		if ev == nil {
			return tensor.Shape{}
		}
		return ev.shape
	}
	if v == nil {
		return tensor.Shape{}
	}
	return v.Shape()
}
