package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEagerMatMul(t *testing.T) {
	// a (2,3) = [[1 2 3] [4 5 6]], b (3,2) = [[1 0] [0 1] [1 1]]:
	// a b = [[4 5] [10 11]].
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 0, 1, 1, 1}
	aT := []float32{1, 4, 2, 5, 3, 6} // a stored transposed (3,2)
	bT := []float32{1, 0, 1, 0, 1, 1} // b stored transposed (2,3)
	tests := []struct {
		name           string
		aShape, bShape []int
		a, b           []float32
		transA, transB bool
		want           eagerResult
	}{
		{"plain", []int{2, 3}, []int{3, 2}, a, b, false, false, eagerResult{[]int{2, 2}, []float32{4, 5, 10, 11}}},
		{"transA", []int{3, 2}, []int{3, 2}, aT, b, true, false, eagerResult{[]int{2, 2}, []float32{4, 5, 10, 11}}},
		{"transB", []int{2, 3}, []int{2, 3}, a, bT, false, true, eagerResult{[]int{2, 2}, []float32{4, 5, 10, 11}}},
		{"both", []int{3, 2}, []int{2, 3}, aT, bT, true, true, eagerResult{[]int{2, 2}, []float32{4, 5, 10, 11}}},
		{
			"batched", []int{2, 2, 3}, []int{2, 3, 2},
			append(append([]float32{}, a...), a...), append(append([]float32{}, b...), 2, 0, 0, 2, 0, 0),
			false, false, eagerResult{[]int{2, 2, 2}, []float32{4, 5, 10, 11, 2, 4, 8, 10}},
		},
		{"outer product k=1", []int{2, 1}, []int{1, 2}, []float32{1, 2}, []float32{3, 4}, false, false, eagerResult{[]int{2, 2}, []float32{3, 4, 6, 8}}},
		{"k=0", []int{2, 0}, []int{0, 3}, []float32{}, []float32{}, false, false, eagerResult{[]int{2, 3}, []float32{0, 0, 0, 0, 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEager()
			got := eagerGet(t, e, e.MatMul(e.Const(eagerT(tt.aShape, tt.a...)), e.Const(eagerT(tt.bShape, tt.b...)), tt.transA, tt.transB))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// eagerNaiveMatMul multiplies in float64: a is (m,k) or stored (k,m) when
// transA, b is (k,n) or stored (n,k) when transB.
func eagerNaiveMatMul(a, b []float64, m, n, k int, transA, transB bool) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				x, y := a[i*k+p], b[p*n+j]
				if transA {
					x = a[p*m+i]
				}
				if transB {
					y = b[j*k+p]
				}
				s += x * y
			}
			out[i*n+j] = s
		}
	}
	return out
}

func TestEagerMatMulRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tests := []struct {
		batch, m, n, k int
	}{
		{0, 1, 1, 1},
		{0, 7, 13, 5},
		{0, 130, 67, 257},
		{1, 3, 4, 5},
		{5, 33, 17, 65},
		{4, 128, 64, 128}, // attention-like, split over goroutines
	}
	for _, tt := range tests {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			batches := max(1, tt.batch)
			aShape, bShape := []int{tt.m, tt.k}, []int{tt.k, tt.n}
			if tr[0] {
				aShape = []int{tt.k, tt.m}
			}
			if tr[1] {
				bShape = []int{tt.n, tt.k}
			}
			wantShape := []int{tt.m, tt.n}
			if tt.batch > 0 {
				aShape = append([]int{tt.batch}, aShape...)
				bShape = append([]int{tt.batch}, bShape...)
				wantShape = append([]int{tt.batch}, wantShape...)
			}
			a, b := eagerRand(rng, aShape...), eagerRand(rng, bShape...)
			af, bf := eagerF64(a), eagerF64(b)
			var want []float64
			for i := range batches {
				want = append(want, eagerNaiveMatMul(af[i*tt.m*tt.k:], bf[i*tt.k*tt.n:], tt.m, tt.n, tt.k, tr[0], tr[1])...)
			}
			e := NewEager()
			e.workers = 3
			got := eagerGet(t, e, e.MatMul(e.Const(a), e.Const(b), tr[0], tr[1]))
			if diff := cmp.Diff(wantShape, got.Shape); diff != "" {
				t.Errorf("%+v trans %v: shape (-want +got)\n%s", tt, tr, diff)
			}
			// float32 products of k terms in [-1,1]: error well under 1e-6 k.
			if diff := cmp.Diff([]eagerMismatch(nil), eagerMismatches(eagerF32(want), got.Data, 1e-6*float64(tt.k))); diff != "" {
				t.Errorf("%+v trans %v: (-want +got)\n%s", tt, tr, diff)
			}
		}
	}
}

// TestEagerSgemm checks alpha, beta and leading dimensions wider than the
// matrices.
func TestEagerSgemm(t *testing.T) {
	// A (2,2) inside rows of 3, B (2,2) inside rows of 4, C (2,2) inside rows
	// of 3; the padding must stay untouched.
	a := []float32{1, 2, -1, 3, 4, -1}
	b := []float32{1, 0, -1, -1, 0, 1, -1, -1}
	tests := []struct {
		name        string
		alpha, beta float32
		k           int
		want        []float32
	}{
		{"alpha 2 beta 0", 2, 0, 2, []float32{2, 4, 9, 6, 8, 9}},
		{"alpha 1 beta 1", 1, 1, 2, []float32{2, 3, 9, 4, 5, 9}},
		{"alpha 0 beta 2", 0, 2, 2, []float32{2, 2, 9, 2, 2, 9}},
		{"k 0 beta 0", 1, 0, 0, []float32{0, 0, 9, 0, 0, 9}},
	}
	for _, tt := range tests {
		c := []float32{1, 1, 9, 1, 1, 9}
		sgemm(false, false, 2, 2, tt.k, tt.alpha, a, 3, b, 4, tt.beta, c, 3)
		if diff := cmp.Diff(tt.want, c); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.name, diff)
		}
	}
}
