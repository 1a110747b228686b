package cuda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

// bIndex is the reference: b's flat index for a's flat index i under the
// broadcasting rule of nn.Exec, from the unmerged shapes.
func bIndex(a, b tensor.Shape, i int) int {
	lead := len(a) - len(b)
	idx := make([]int, len(a))
	for d := len(a) - 1; d >= 0; d-- {
		idx[d] = i % a[d]
		i /= a[d]
	}
	off, stride := 0, 1
	for d := len(b) - 1; d >= 0; d-- {
		if b[d] != 1 {
			off += idx[lead+d] * stride
		}
		stride *= b[d]
	}
	return off
}

// planIndex evaluates a plan like vd_binary does.
func planIndex(p bcastPlan, i int) int {
	off := int64(0)
	rem := int64(i)
	for d := len(p.dims) - 1; d >= 0; d-- {
		off += (rem % p.dims[d]) * p.bStride[d]
		rem /= p.dims[d]
	}
	return int(off)
}

func TestPlanBroadcast(t *testing.T) {
	for _, c := range []struct {
		a, b     tensor.Shape
		ok       bool
		wantDims []int64
	}{
		{tensor.Shape{2, 3}, tensor.Shape{2, 3}, true, []int64{6}},
		{tensor.Shape{2, 3}, tensor.Shape{3}, true, []int64{2, 3}},
		{tensor.Shape{2, 3}, tensor.Shape{2, 1}, true, []int64{2, 3}},
		{tensor.Shape{2, 3}, tensor.Shape{1, 3}, true, []int64{2, 3}},
		{tensor.Shape{4, 2, 3}, tensor.Shape{2, 3}, true, []int64{4, 6}},
		{tensor.Shape{4, 2, 3}, tensor.Shape{4, 1, 3}, true, []int64{4, 2, 3}},
		{tensor.Shape{4, 2, 3}, tensor.Shape{1, 1, 1}, true, []int64{24}},
		{tensor.Shape{2, 1, 3}, tensor.Shape{3}, true, []int64{2, 3}},
		{tensor.Shape{}, tensor.Shape{}, true, []int64{1}},
		{tensor.Shape{2, 3}, tensor.Shape{3, 2}, false, nil},
		{tensor.Shape{3}, tensor.Shape{2, 3}, false, nil},
		{tensor.Shape{2, 3, 4}, tensor.Shape{3, 1}, false, nil},
	} {
		p, ok := planBroadcast(c.a, c.b)
		if ok != c.ok {
			t.Errorf("planBroadcast(%v, %v) ok = %v, want %v", c.a, c.b, ok, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if diff := cmp.Diff(c.wantDims, p.dims); diff != "" {
			t.Errorf("planBroadcast(%v, %v) dims (-want +got):\n%s", c.a, c.b, diff)
		}
		for i := range c.a.TotalSize() {
			if want, got := bIndex(c.a, c.b, i), planIndex(p, i); want != got {
				t.Errorf("planBroadcast(%v, %v): element %d reads b[%d], want b[%d]", c.a, c.b, i, got, want)
				break
			}
		}
		if got := len(p.meta()); got != 2*len(p.dims) {
			t.Errorf("meta has %d entries, want %d", got, 2*len(p.dims))
		}
	}
}

func TestPlanPermute(t *testing.T) {
	for _, c := range []struct {
		in       tensor.Shape
		perm     []int
		wantDims []int64
	}{
		{tensor.Shape{2, 3}, []int{1, 0}, []int64{3, 2}},
		{tensor.Shape{2, 3, 4, 5}, []int{0, 2, 1, 3}, []int64{2, 4, 3, 5}},
		{tensor.Shape{2, 3, 4}, []int{0, 2, 1}, []int64{2, 4, 3}},
		{tensor.Shape{2, 3, 4}, []int{1, 2, 0}, []int64{12, 2}},
		{tensor.Shape{1, 3, 1, 4}, []int{2, 3, 0, 1}, []int64{4, 3}},
	} {
		p := planPermute(c.in, c.perm)
		if diff := cmp.Diff(c.wantDims, p.dims); diff != "" {
			t.Errorf("planPermute(%v, %v) dims (-want +got):\n%s", c.in, c.perm, diff)
		}
		// Every output element must read the input element the
		// permutation names.
		out := make(tensor.Shape, len(c.perm))
		for i, ax := range c.perm {
			out[i] = c.in[ax]
		}
		for i := range out.TotalSize() {
			rem, oidx := i, make([]int, len(out))
			for d := len(out) - 1; d >= 0; d-- {
				oidx[d] = rem % out[d]
				rem /= out[d]
			}
			iidx := make([]int, len(c.in))
			for d, ax := range c.perm {
				iidx[ax] = oidx[d]
			}
			want := 0
			for d := range c.in {
				want = want*c.in[d] + iidx[d]
			}
			got := int64(0)
			r := int64(i)
			for d := len(p.dims) - 1; d >= 0; d-- {
				got += (r % p.dims[d]) * p.srcStride[d]
				r /= p.dims[d]
			}
			if int(got) != want {
				t.Errorf("planPermute(%v, %v): output %d reads %d, want %d", c.in, c.perm, i, got, want)
				break
			}
		}
	}
}
