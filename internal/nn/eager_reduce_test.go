package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEagerReduce(t *testing.T) {
	// a is (2,3): [[1 2 3] [4 5 -6]].
	a := []float32{1, 2, 3, 4, 5, -6}
	// b is (2,2,2): [[[1 8] [3 4]] [[5 -6] [7 2]]].
	b := []float32{1, 8, 3, 4, 5, -6, 7, 2}
	inf := float32(math.Inf(1))
	tests := []struct {
		name  string
		op    func(e *Eager, a V, axis int) V
		shape []int
		in    []float32
		axis  int
		want  eagerResult
	}{
		{"Sum rows", (*Eager).Sum, []int{2, 3}, a, 1, eagerResult{[]int{2, 1}, []float32{6, 3}}},
		{"Sum columns", (*Eager).Sum, []int{2, 3}, a, 0, eagerResult{[]int{1, 3}, []float32{5, 7, -3}}},
		{"Mean rows", (*Eager).Mean, []int{2, 3}, a, 1, eagerResult{[]int{2, 1}, []float32{2, 1}}},
		{"Mean columns", (*Eager).Mean, []int{2, 3}, a, 0, eagerResult{[]int{1, 3}, []float32{2.5, 3.5, -1.5}}},
		{"Max rows", (*Eager).Max, []int{2, 3}, a, 1, eagerResult{[]int{2, 1}, []float32{3, 5}}},
		{"Max columns", (*Eager).Max, []int{2, 3}, a, 0, eagerResult{[]int{1, 3}, []float32{4, 5, 3}}},
		{"Sum middle", (*Eager).Sum, []int{2, 2, 2}, b, 1, eagerResult{[]int{2, 1, 2}, []float32{4, 12, 12, -4}}},
		{"Max middle", (*Eager).Max, []int{2, 2, 2}, b, 1, eagerResult{[]int{2, 1, 2}, []float32{3, 8, 7, 2}}},
		{"Mean outer", (*Eager).Mean, []int{2, 2, 2}, b, 0, eagerResult{[]int{1, 2, 2}, []float32{3, 1, 5, 3}}},
		{"Max last", (*Eager).Max, []int{2, 2, 2}, b, 2, eagerResult{[]int{2, 2, 1}, []float32{8, 4, 5, 7}}},
		{"Max with Inf", (*Eager).Max, []int{3}, []float32{1, inf, 2}, 0, eagerResult{[]int{1}, []float32{inf}}},
		{"Sum empty axis", (*Eager).Sum, []int{2, 0}, []float32{}, 1, eagerResult{[]int{2, 1}, []float32{0, 0}}},
		{"Max empty axis", (*Eager).Max, []int{1, 0}, []float32{}, 1, eagerResult{[]int{1, 1}, []float32{-inf}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			got := eagerGet(t, e, tt.op(e, e.Const(eagerT(tt.shape, tt.in...)), tt.axis))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestEagerMaxNaN(t *testing.T) {
	nan := float32(math.NaN())
	for axis, shape := range [][]int{{1, 3}, {3, 1}} {
		e := NewEager()
		got := eagerGet(t, e, e.Max(e.Const(eagerT(shape, 1, nan, 2)), 1-axis))
		if v := got.Data[0]; v == v {
			t.Errorf("Max of %v with a NaN along axis %d = %v, want NaN", shape, 1-axis, v)
		}
	}
}

// TestEagerReduceLarge checks every axis of a large input, split over
// goroutines, against float64 loops.
func TestEagerReduceLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shape := []int{6, 70, 129}
	in := eagerRand(rng, shape...)
	x := eagerF64(in)
	for axis := range shape {
		outer, n, inner := SplitAxis(shape, axis)
		sum := make([]float64, outer*inner)
		mx := make([]float64, outer*inner)
		for o := range outer {
			for i := range inner {
				s, m := 0.0, math.Inf(-1)
				for j := range n {
					v := x[(o*n+j)*inner+i]
					s += v
					m = math.Max(m, v)
				}
				sum[o*inner+i], mx[o*inner+i] = s, m
			}
		}
		mean := make([]float64, len(sum))
		for i, s := range sum {
			mean[i] = s / float64(n)
		}
		for _, c := range []struct {
			op   eagerReduceOp
			want []float64
		}{{eagerSum, sum}, {eagerMean, mean}, {eagerMax, mx}} {
			e := NewEager()
			e.workers = 3
			got := eagerGet(t, e, e.reduce(c.op, e.Const(in), axis))
			if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(eagerF32(c.want), got.Data, 1e-6)); diff != "" {
				t.Errorf("%s axis %d: (-want +got)\n%s", c.op.String(), axis, diff)
			}
		}
	}
}

// TestEagerMaxSlice checks the row maximum on every kernel path for all
// lengths up to 40, with the maximum and a NaN in every position.
func TestEagerMaxSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	inf := float32(math.Inf(1))
	for _, avx2 := range eagerKernelPaths() {
		if got := eagerMaxSlice(avx2, nil); got != -inf {
			t.Errorf("avx2=%v: max of nothing = %v, want -Inf", avx2, got)
		}
		for n := 1; n <= 40; n++ {
			for pos := range n {
				row := make([]float32, n)
				for i := range row {
					row[i] = -1 - rng.Float32() // all negative
				}
				row[pos] = -0.5
				if got := eagerMaxSlice(avx2, row); got != -0.5 {
					t.Errorf("avx2=%v n=%d: max with -0.5 at %d = %v", avx2, n, pos, got)
				}
				row[pos] = inf
				if got := eagerMaxSlice(avx2, row); got != inf {
					t.Errorf("avx2=%v n=%d: max with +Inf at %d = %v", avx2, n, pos, got)
				}
				row[pos] = float32(math.NaN())
				if got := eagerMaxSlice(avx2, row); got == got {
					t.Errorf("avx2=%v n=%d: max with NaN at %d = %v, want NaN", avx2, n, pos, got)
				}
			}
		}
	}
}
