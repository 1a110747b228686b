package nn

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gKernel computes one node's output from its inputs. The inputs are
// contiguous float32 tensors of the node shapes recorded at build time; the
// gKernel must not modify them and must return a new tensor (it may share
// an input's backing array only when no gKernel ever writes to it, as
// Reshape does).
type gKernel func(in []*tensor.Dense) (*tensor.Dense, error)

// gRunState carries the context of the Run in progress to every op, so that
// a cancelled context stops the tape at the next instruction.
type gRunState struct {
	ctx context.Context
}

// check returns the context's error, if any.
func (rs *gRunState) check() error {
	if rs.ctx == nil {
		return nil
	}
	return rs.ctx.Err()
}

// gop is the single gorgonia.Op type of the graph executor: a named gKernel
// with fixed input ranks and a fixed output shape. Each instance carries a
// serial number so that gorgonia's hash-consing never merges two nodes
// (merging would be correct but would make the kernels' closures part of
// node identity).
type gop struct {
	name   string
	serial int
	inDims []int
	out    tensor.Shape
	k      gKernel
	rs     *gRunState
}

var _ gorgonia.Op = (*gop)(nil)

// Arity is the number of inputs.
func (op *gop) Arity() int { return len(op.inDims) }

// Type is Tensor a -> ... -> Tensor a with the recorded ranks.
func (op *gop) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, 0, len(op.inDims)+1)
	for _, d := range op.inDims {
		ts = append(ts, gorgonia.TensorType{Dims: d, Of: a})
	}
	ts = append(ts, gorgonia.TensorType{Dims: len(op.out), Of: a})
	return hm.NewFnType(ts...)
}

// InferShape returns the output shape fixed at build time.
func (op *gop) InferShape(...gorgonia.DimSizer) (tensor.Shape, error) { return op.out.Clone(), nil }

// Do runs the kernel.
func (op *gop) Do(vals ...gorgonia.Value) (v gorgonia.Value, err error) {
	if err := op.rs.check(); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: panic: %v", op.name, r)
		}
	}()
	in := make([]*tensor.Dense, len(vals))
	for i, x := range vals {
		d, ok := x.(*tensor.Dense)
		if !ok {
			return nil, fmt.Errorf("%s: input %d is a %T, want *tensor.Dense", op.name, i, x)
		}
		in[i] = d
	}
	out, err := op.k(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, err)
	}
	if !out.Shape().Eq(op.out) {
		return nil, fmt.Errorf("%s: gKernel returned shape %v, want %v", op.name, out.Shape(), op.out)
	}
	return out, nil
}

// ReturnsPtr is false: outputs are fresh values, never inputs edited in place.
func (op *gop) ReturnsPtr() bool { return false }

// CallsExtern is false: no cgo, no device.
func (op *gop) CallsExtern() bool { return false }

// OverwritesInput is -1: inputs are never overwritten.
func (op *gop) OverwritesInput() int { return -1 }

// WriteHash writes the name and the serial number, which is unique within
// a Graph.
func (op *gop) WriteHash(h hash.Hash) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(op.serial))
	h.Write([]byte(op.name))
	h.Write(b[:])
}

// Hashcode hashes WriteHash's output.
func (op *gop) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// String names the op.
func (op *gop) String() string { return op.name }

// f32 returns the backing slice of a contiguous float32 tensor.
func gData(t *tensor.Dense) []float32 { return t.Data().([]float32) }

// gZeros returns a zeroed float32 tensor of the given node shape.
func gZeros(shape tensor.Shape) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, shape.TotalSize())))
}

// gWrap wraps data in a tensor of the given node shape.
func gWrap(shape tensor.Shape, data []float32) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}
