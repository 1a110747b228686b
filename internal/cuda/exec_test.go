package cuda

import (
	"errors"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// fakeDevice runs the executor's host side without a GPU: memory from a
// pool over fakeMemory, copies and launches recorded, downloads zero.
type fakeDevice struct {
	mem      *fakeMemory
	pool     *pool
	uploads  int
	launches []launchRecord
}

type launchRecord struct {
	k    kernel
	g    geom
	args []any
}

var _ device = (*fakeDevice)(nil)

func newFakeDevice() *fakeDevice {
	m := newFakeMemory(1 << 30)
	return &fakeDevice{mem: m, pool: newPool(m, 1<<30)}
}

func (f *fakeDevice) alloc(bytes int64) (devPtr, error) { return f.pool.get(bytes) }
func (f *fakeDevice) release(p devPtr) error            { return f.pool.put(p) }
func (f *fakeDevice) upload(dst devPtr, src unsafe.Pointer, bytes int64) error {
	f.uploads++
	return nil
}
func (f *fakeDevice) download(dst unsafe.Pointer, src devPtr, bytes int64) error {
	clear(unsafe.Slice((*byte)(dst), bytes))
	return nil
}
func (f *fakeDevice) launch(k kernel, g geom, args ...any) error {
	f.launches = append(f.launches, launchRecord{k, g, args})
	return nil
}

func ones(shape ...int) *tensor.Dense {
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, tensor.Shape(shape).TotalSize())))
}

// TestExecErrors runs the sticky-error contract of the conformance suite
// on the executor's host side: shape checks, placeholders, first error
// kept. (The numerical cases need a device: exec_cuda_test.go.)
func TestExecErrors(t *testing.T) {
	nntest.RunErrors(t, func() nn.Exec { return newExec(newFakeDevice()) })
}

// TestExecLaunches checks the kernel, geometry and arguments that
// operations launch.
func TestExecLaunches(t *testing.T) {
	type call struct {
		k     kernel
		grid  [3]int
		block [3]int
		nargs int
	}
	for _, c := range []struct {
		name  string
		build func(e *Exec) nn.V
		want  []call
		shape tensor.Shape
	}{
		{"MatMul/batched", func(e *Exec) nn.V {
			return e.MatMul(e.Const(ones(96, 128, 64)), e.Const(ones(96, 256, 64)), false, true)
		}, []call{{kSgemm, [3]int{4, 2, 96}, [3]int{256, 1, 1}, 15}}, tensor.Shape{96, 128, 256}},
		{"MatMul/tf32", func(e *Exec) nn.V {
			WithTF32()(e)
			return e.MatMul(e.Const(ones(100, 70)), e.Const(ones(70, 130)), false, false)
		}, []call{{kSgemmTF32, [3]int{3, 2, 1}, [3]int{128, 1, 1}, 15}}, tensor.Shape{100, 130}},
		{"Add/bias", func(e *Exec) nn.V { return e.Add(e.Const(ones(4, 5)), e.Param(ones(5))) },
			[]call{{kBinary, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 7}}, tensor.Shape{4, 5}},
		{"Sum/rows", func(e *Exec) nn.V { return e.Sum(e.Const(ones(6, 300)), 1) },
			[]call{{kReduceRows, [3]int{6, 1, 1}, [3]int{128, 1, 1}, 5}}, tensor.Shape{6, 1}},
		{"Max/cols", func(e *Exec) nn.V { return e.Max(e.Const(ones(6, 300)), 0) },
			[]call{{kReduceCols, [3]int{2, 1, 1}, [3]int{256, 1, 1}, 6}}, tensor.Shape{1, 300}},
		{"Reshape/free", func(e *Exec) nn.V { return e.Reshape(e.Const(ones(6, 4)), 3, 8) }, nil, tensor.Shape{3, 8}},
		{"Slice/outer-free", func(e *Exec) nn.V { return e.Slice(e.Const(ones(6, 4)), 0, 1, 3) }, nil, tensor.Shape{2, 4}},
		{"Slice/inner", func(e *Exec) nn.V { return e.Slice(e.Const(ones(6, 4)), 1, 1, 3) },
			[]call{{kCopy2D, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 8}}, tensor.Shape{6, 2}},
		{"Concat", func(e *Exec) nn.V { return e.Concat(1, e.Const(ones(2, 3)), e.Const(ones(2, 0)), e.Const(ones(2, 4))) },
			[]call{{kCopy2D, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 8}, {kCopy2D, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 8}}, tensor.Shape{2, 7}},
		{"Transpose/identity", func(e *Exec) nn.V { return e.Transpose(e.Const(ones(2, 3)), 0, 1) }, nil, tensor.Shape{2, 3}},
		{"Transpose", func(e *Exec) nn.V { return e.Transpose(e.Const(ones(2, 3, 4)), 0, 2, 1) },
			[]call{{kPermute, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 5}}, tensor.Shape{2, 4, 3}},
		{"Softmax", func(e *Exec) nn.V { return e.Softmax(e.Const(ones(3, 7, 1000))) },
			[]call{{kSoftmax, [3]int{21, 1, 1}, [3]int{256, 1, 1}, 4}}, tensor.Shape{3, 7, 1000}},
		{"LayerNorm/no-beta", func(e *Exec) nn.V { return e.LayerNorm(e.Const(ones(3, 8)), e.Param(ones(8)), nil, 1e-5) },
			[]call{{kLayerNorm, [3]int{3, 1, 1}, [3]int{32, 1, 1}, 7}}, tensor.Shape{3, 8}},
		{"Attention/fused", func(e *Exec) nn.V {
			q := e.Const(ones(2, 5, 16))
			return e.Attention(q, e.Const(ones(2, 9, 16)), e.Const(ones(2, 9, 8)), e.Const(ones(5, 9)), 0.25)
		}, []call{{kAttention, [3]int{5, 2, 1}, [3]int{attnThreads, 1, 1}, 12}}, tensor.Shape{2, 5, 8}},
		{"Attention/composed", func(e *Exec) nn.V {
			q := e.Const(ones(1, 2, 4))
			return e.Attention(q, e.Const(ones(1, 20000, 4)), e.Const(ones(1, 20000, 3)), nil, 1)
		}, []call{
			{kSgemm, [3]int{313, 1, 1}, [3]int{256, 1, 1}, 15},
			{kUnary, [3]int{157, 1, 1}, [3]int{256, 1, 1}, 5},
			{kSoftmax, [3]int{2, 1, 1}, [3]int{256, 1, 1}, 4},
			{kSgemm, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 15},
		}, tensor.Shape{1, 2, 3}},
		{"Gather", func(e *Exec) nn.V { return e.Gather(e.Param(ones(10, 4)), []int{3, 9, 0}) },
			[]call{{kGather, [3]int{1, 1, 1}, [3]int{256, 1, 1}, 5}}, tensor.Shape{3, 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeDevice()
			e := newExec(f)
			out := c.build(e)
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.shape, out.Shape()); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
			var got []call
			for _, l := range f.launches {
				got = append(got, call{l.k, l.g.grid, l.g.block, len(l.args)})
			}
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(call{})); diff != "" {
				t.Errorf("launches (-want +got):\n%s", diff)
			}
			if err := e.Release(); err != nil {
				t.Fatal(err)
			}
			if s := f.pool.snapshot(); s.Live != 0 {
				t.Errorf("%d bytes still live after Release", s.Live)
			}
		})
	}
}

// TestExecParamCache checks that a parameter uploads once per Exec, that
// Reset keeps it and Release drops it.
func TestExecParamCache(t *testing.T) {
	f := newFakeDevice()
	e := newExec(f)
	w := ones(3, 3)
	a, b := e.Param(w), e.Param(w)
	if a != b || f.uploads != 1 {
		t.Errorf("two Params of one tensor: same value %v, %d uploads; want the same value, 1 upload", a == b, f.uploads)
	}
	e.Const(ones(2))
	if err := e.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := f.pool.snapshot().Live; got != sizeClass(36) {
		t.Errorf("%d bytes live after Reset, want the parameter's %d", got, sizeClass(36))
	}
	if e.Param(w) != a || f.uploads != 2 {
		t.Errorf("Param after Reset re-uploaded (%d uploads)", f.uploads)
	}
	if err := e.Release(); err != nil {
		t.Fatal(err)
	}
	if got := f.pool.snapshot().Live; got != 0 {
		t.Errorf("%d bytes live after Release", got)
	}
}

// readExec is the conformance suite's Reader for the executor.
func readExec(e nn.Exec, v nn.V) ([]float32, error) {
	ce, ok := e.(*Exec)
	if !ok {
		return nil, errors.New("not a *cuda.Exec")
	}
	return ce.Read(v)
}

func TestExecRead(t *testing.T) {
	e := newExec(newFakeDevice())
	v := e.Const(ones(2, 3))
	got, err := readExec(e, v)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Errorf("Read returned %d elements, want 6", len(got))
	}
	if _, err := e.Read(nn.NewEager().Const(ones(2))); err == nil {
		t.Errorf("Read of an eager value gave no error")
	}
	e.Add(v, e.Const(ones(4)))
	if _, err := e.Read(v); err == nil {
		t.Errorf("Read after a failed operation gave no error")
	}
}
