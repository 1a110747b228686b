package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

func TestEagerReshape(t *testing.T) {
	e := NewEager()
	a := e.Const(eagerT([]int{2, 3}, 1, 2, 3, 4, 5, 6))
	tests := []struct {
		shape []int
		want  eagerResult
	}{
		{[]int{3, 2}, eagerResult{[]int{3, 2}, []float32{1, 2, 3, 4, 5, 6}}},
		{[]int{6}, eagerResult{[]int{6}, []float32{1, 2, 3, 4, 5, 6}}},
		{[]int{1, 6, 1}, eagerResult{[]int{1, 6, 1}, []float32{1, 2, 3, 4, 5, 6}}},
	}
	for _, tt := range tests {
		got := eagerGet(t, e, e.Reshape(a, tt.shape...))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Reshape %v: (-want +got)\n%s", tt.shape, diff)
		}
	}
	got := eagerGet(t, e, e.Reshape(e.Const(eagerT([]int{1}, 4))))
	if diff := cmp.Diff(eagerResult{[]int{}, []float32{4}}, got); diff != "" {
		t.Errorf("Reshape to a scalar: (-want +got)\n%s", diff)
	}
}

// eagerNaivePermute permutes axes by index arithmetic.
func eagerNaivePermute(in []float32, shape, perm []int) []float32 {
	out := make([]float32, len(in))
	outShape := make([]int, len(perm))
	for i, p := range perm {
		outShape[i] = shape[p]
	}
	idx := make([]int, len(perm))
	src := make([]int, len(shape))
	for o := range out {
		rem := o
		for d := len(outShape) - 1; d >= 0; d-- {
			idx[d] = rem % outShape[d]
			rem /= outShape[d]
		}
		for i, p := range perm {
			src[p] = idx[i]
		}
		j := 0
		for d := range shape {
			j = j*shape[d] + src[d]
		}
		out[o] = in[j]
	}
	return out
}

func TestEagerTranspose(t *testing.T) {
	e := NewEager()
	got := eagerGet(t, e, e.Transpose(e.Const(eagerT([]int{2, 3}, 1, 2, 3, 4, 5, 6)), 1, 0))
	if diff := cmp.Diff(eagerResult{[]int{3, 2}, []float32{1, 4, 2, 5, 3, 6}}, got); diff != "" {
		t.Errorf("2-D: (-want +got)\n%s", diff)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	tests := []struct {
		shape, perm []int
	}{
		{[]int{2, 3, 4, 5}, []int{0, 2, 1, 3}}, // heads split (B,L,H,D) -> (B,H,L,D)
		{[]int{2, 3, 4, 5}, []int{3, 2, 1, 0}},
		{[]int{2, 3, 4, 5}, []int{1, 2, 3, 0}},
		{[]int{2, 1, 4, 1}, []int{3, 2, 1, 0}},
		{[]int{4, 3, 5}, []int{0, 1, 2}},
		{[]int{70, 130}, []int{1, 0}},
		{[]int{3, 300, 90}, []int{0, 2, 1}}, // batched 2-D transpose, parallel
		{[]int{3, 300, 90}, []int{2, 0, 1}},
		{[]int{33, 65, 17}, []int{1, 0, 2}},
	}
	for _, tt := range tests {
		e := NewEager()
		e.workers = 3
		in := eagerRand(rng, tt.shape...)
		got := eagerGet(t, e, e.Transpose(e.Const(in), tt.perm...))
		wantShape := make([]int, len(tt.perm))
		for i, p := range tt.perm {
			wantShape[i] = tt.shape[p]
		}
		if diff := cmp.Diff(wantShape, got.Shape); diff != "" {
			t.Errorf("%v perm %v: shape (-want +got)\n%s", tt.shape, tt.perm, diff)
		}
		want := eagerNaivePermute(in.Float32s(), tt.shape, tt.perm)
		if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(want, got.Data, 0)); diff != "" {
			t.Errorf("%v perm %v: (-want +got)\n%s", tt.shape, tt.perm, diff)
		}
	}
}

func TestEagerConcat(t *testing.T) {
	a := eagerT([]int{2, 2}, 1, 2, 3, 4)
	b := eagerT([]int{2, 1}, 5, 6)
	c := eagerT([]int{1, 2}, 7, 8)
	tests := []struct {
		name string
		axis int
		in   []*tensor.Dense
		want eagerResult
	}{
		{"axis 1", 1, []*tensor.Dense{a, b}, eagerResult{[]int{2, 3}, []float32{1, 2, 5, 3, 4, 6}}},
		{"axis 0", 0, []*tensor.Dense{a, c, a}, eagerResult{[]int{5, 2}, []float32{1, 2, 3, 4, 7, 8, 1, 2, 3, 4}}},
		{"one value", 0, []*tensor.Dense{c}, eagerResult{[]int{1, 2}, []float32{7, 8}}},
		{
			"middle axis", 1,
			[]*tensor.Dense{eagerT([]int{2, 1, 2}, 1, 2, 3, 4), eagerT([]int{2, 2, 2}, 5, 6, 7, 8, 9, 10, 11, 12)},
			eagerResult{[]int{2, 3, 2}, []float32{1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			vs := make([]V, len(tt.in))
			for i, d := range tt.in {
				vs[i] = e.Const(d)
			}
			got := eagerGet(t, e, e.Concat(tt.axis, vs...))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	e := NewEager()
	e.Concat(0)
	eagerWantErr(t, e, "Concat", "no values")
}

func TestEagerSlice(t *testing.T) {
	// a is (2,3,2).
	a := eagerT([]int{2, 3, 2}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
	tests := []struct {
		axis, start, end int
		want             eagerResult
	}{
		{0, 1, 2, eagerResult{[]int{1, 3, 2}, []float32{7, 8, 9, 10, 11, 12}}},
		{1, 1, 3, eagerResult{[]int{2, 2, 2}, []float32{3, 4, 5, 6, 9, 10, 11, 12}}},
		{2, 0, 1, eagerResult{[]int{2, 3, 1}, []float32{1, 3, 5, 7, 9, 11}}},
		{1, 2, 2, eagerResult{[]int{2, 0, 2}, []float32{}}},
	}
	for _, tt := range tests {
		e := NewEager()
		got := eagerGet(t, e, e.Slice(e.Const(a), tt.axis, tt.start, tt.end))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("axis %d [%d,%d): (-want +got)\n%s", tt.axis, tt.start, tt.end, diff)
		}
	}
}

func TestEagerGather(t *testing.T) {
	e := NewEager()
	table := e.Param(eagerT([]int{3, 2}, 1, 2, 3, 4, 5, 6))
	tests := []struct {
		ids  []int
		want eagerResult
	}{
		{[]int{2, 0, 2}, eagerResult{[]int{3, 2}, []float32{5, 6, 1, 2, 5, 6}}},
		{[]int{1}, eagerResult{[]int{1, 2}, []float32{3, 4}}},
		{nil, eagerResult{[]int{0, 2}, []float32{}}},
	}
	for _, tt := range tests {
		got := eagerGet(t, e, e.Gather(table, tt.ids))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ids %v: (-want +got)\n%s", tt.ids, diff)
		}
	}
	e.Gather(table, []int{0, -1})
	eagerWantErr(t, e, "Gather", "id -1", "(3, 2)")
}

// FuzzEagerTranspose draws a shape (rank 0-5, sizes 0-4) and a list of
// axes; a permutation must give the naive result, anything else an error
// naming the shape, never a panic.
func FuzzEagerTranspose(f *testing.F) {
	f.Add([]byte{4, 2, 3, 4, 5, 0, 2, 1, 3})
	f.Add([]byte{2, 3, 3, 1, 1})
	f.Add([]byte{3, 1, 2, 1, 2, 0, 1})
	f.Fuzz(func(t *testing.T, spec []byte) {
		next := func() int {
			if len(spec) == 0 {
				return 0
			}
			v := int(spec[0])
			spec = spec[1:]
			return v
		}
		rank := next() % 6
		shape := make([]int, rank)
		for i := range shape {
			shape[i] = next() % 5
		}
		perm := make([]int, next()%7)
		seen := map[int]bool{}
		valid := len(perm) == rank
		for i := range perm {
			perm[i] = next()%8 - 1
			valid = valid && perm[i] >= 0 && perm[i] < rank && !seen[perm[i]]
			seen[perm[i]] = true
		}
		in := eagerRand(rand.New(rand.NewPCG(uint64(rank), 1)), shape...)
		e := NewEager()
		got := e.Transpose(e.Const(in), perm...)
		if !valid {
			eagerWantErr(t, e, "Transpose", fmt.Sprint(tensor.Shape(shape)))
			return
		}
		wantShape := make([]int, rank)
		for i, p := range perm {
			wantShape[i] = shape[p]
		}
		want := eagerResult{wantShape, eagerNaivePermute(in.Float32s(), shape, perm)}
		if diff := cmp.Diff(want, eagerGet(t, e, got)); diff != "" {
			t.Errorf("%v perm %v: (-want +got)\n%s", shape, perm, diff)
		}
	})
}
