package tensorblas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/tensor"
)

// countingBLAS records that tensor called Sgemm on it.
type countingBLAS struct {
	Implementation
	calls *int
}

func (c countingBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, cc []float32, ldc int) {
	*c.calls++
	c.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, cc, ldc)
}

func TestUseInstallsAndRestores(t *testing.T) {
	before := tensor.WhichBLAS()
	prev := Use()
	if prev != before {
		t.Errorf("Use returned %T, want the BLAS in use before (%T)", prev, before)
	}
	if _, ok := tensor.WhichBLAS().(Implementation); !ok {
		t.Errorf("after Use, tensor.WhichBLAS() = %T, want tensorblas.Implementation", tensor.WhichBLAS())
	}
	tensor.Use(prev)
	if tensor.WhichBLAS() != before {
		t.Errorf("tensor.Use(previous) did not restore %T", before)
	}
}

// TestMatMulThroughTensor runs tensor's MatMul, including transposed views
// (which tensor passes to Sgemm as transpose flags), through Implementation
// and compares with a float64 product.
func TestMatMulThroughTensor(t *testing.T) {
	calls := 0
	prev := tensor.WhichBLAS()
	tensor.Use(countingBLAS{calls: &calls})
	defer tensor.Use(prev)

	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name           string
		m, n, k        int
		transA, transB bool
	}{
		{"plain", 7, 19, 13, false, false},
		{"a transposed", 20, 9, 17, true, false},
		{"b transposed", 33, 5, 64, false, true},
		{"both transposed", 6, 16, 3, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ra, ca := tc.m, tc.k
			if tc.transA {
				ra, ca = tc.k, tc.m
			}
			rb, cb := tc.k, tc.n
			if tc.transB {
				rb, cb = tc.n, tc.k
			}
			a := tensor.New(tensor.WithShape(ra, ca), tensor.WithBacking(randoms(rng, ra*ca)))
			b := tensor.New(tensor.WithShape(rb, cb), tensor.WithBacking(randoms(rng, rb*cb)))
			want := product(a, b, tc.transA, tc.transB, tc.m, tc.n, tc.k)
			if tc.transA {
				must(t, a.T())
			}
			if tc.transB {
				must(t, b.T())
			}
			before := calls
			got, err := a.MatMul(b)
			if err != nil {
				t.Fatalf("MatMul: %v", err)
			}
			if calls == before {
				t.Errorf("tensor's MatMul did not call Implementation.Sgemm")
			}
			gs := got.Data().([]float32)
			for i, w := range want {
				if math.Abs(float64(gs[i])-w) > 1e-5*float64(tc.k) {
					t.Fatalf("element %d = %g, want %g", i, gs[i], w)
				}
			}
		})
	}
}

func TestBadTransposePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Sgemm with transpose flag 'x' did not panic")
		}
	}()
	s := make([]float32, 4)
	Implementation{}.Sgemm(blas.Transpose('x'), blas.NoTrans, 2, 2, 2, 1, s, 2, s, 2, 0, s, 2)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func randoms(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*rng.Float32() - 1
	}
	return s
}

// product computes op(A) op(B) in float64 from the stored (untransposed)
// tensors a and b.
func product(a, b *tensor.Dense, tA, tB bool, m, n, k int) []float64 {
	as, bs := a.Data().([]float32), b.Data().([]float32)
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				av := as[i*k+p]
				if tA {
					av = as[p*m+i]
				}
				bv := bs[p*n+j]
				if tB {
					bv = bs[j*k+p]
				}
				s += float64(av) * float64(bv)
			}
			out[i*n+j] = s
		}
	}
	return out
}
