package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gemmCase is one product with its storage padding: each stored matrix gets
// pad extra elements per row beyond its minimum leading dimension.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("tA=%v,tB=%v,m=%d,n=%d,k=%d,alpha=%g,beta=%g,pad=%d",
		tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad)
}

// operands builds random stored A, B and C for tc and their leading
// dimensions. C holds NaN when beta == 0, which the product must ignore.
func (tc gemmCase) operands(rng *rand.Rand) (a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ra, ca := tc.m, tc.k
	if tc.transA {
		ra, ca = tc.k, tc.m
	}
	rb, cb := tc.k, tc.n
	if tc.transB {
		rb, cb = tc.n, tc.k
	}
	lda, ldb, ldc = max(1, ca)+tc.pad, max(1, cb)+tc.pad, max(1, tc.n)+tc.pad
	a = randomMatrix(rng, ra, ca, lda)
	b = randomMatrix(rng, rb, cb, ldb)
	c = randomMatrix(rng, tc.m, tc.n, ldc)
	if tc.beta == 0 {
		for i := range c {
			if i%ldc < tc.n {
				c[i] = float32(math.NaN())
			}
		}
	}
	return a, lda, b, ldb, c, ldc
}

// randomMatrix returns a rows x cols matrix with stride ld, values uniform in
// [-1, 1); the padding holds a sentinel that no product may change.
func randomMatrix(rng *rand.Rand, rows, cols, ld int) []float32 {
	n := 0
	if rows > 0 {
		n = (rows-1)*ld + cols
	}
	s := make([]float32, n)
	for i := range s {
		if i%ld < cols {
			s[i] = 2*rng.Float32() - 1
		} else {
			s[i] = sentinel
		}
	}
	return s
}

const sentinel = 12345

// reference computes the product in float64 and, per element, the bound
// alpha*sum|a||b| + |beta c| that scales its rounding error.
func reference(tc gemmCase, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) (want, bound []float64) {
	want = make([]float64, len(c))
	bound = make([]float64, len(c))
	for i := range c {
		want[i] = float64(c[i]) // padding and untouched entries stay as they are
	}
	at := func(i, p int) float64 {
		if tc.transA {
			return float64(a[p*lda+i])
		}
		return float64(a[i*lda+p])
	}
	bt := func(p, j int) float64 {
		if tc.transB {
			return float64(b[j*ldb+p])
		}
		return float64(b[p*ldb+j])
	}
	for i := 0; i < tc.m; i++ {
		for j := 0; j < tc.n; j++ {
			var s, abs float64
			for p := 0; p < tc.k; p++ {
				s += at(i, p) * bt(p, j)
				abs += math.Abs(at(i, p) * bt(p, j))
			}
			v := float64(tc.alpha) * s
			e := math.Abs(float64(tc.alpha)) * abs
			if tc.beta != 0 {
				v += float64(tc.beta) * float64(c[i*ldc+j])
				e += math.Abs(float64(tc.beta) * float64(c[i*ldc+j]))
			}
			want[i*ldc+j], bound[i*ldc+j] = v, e
		}
	}
	return want, bound
}

// mismatches lists the elements of got farther from want than float32
// rounding allows: (k+2) unit roundoffs of the bound, times a safety factor.
func mismatches(k int, want, bound []float64, got []float32) []string {
	const u = 1.0 / (1 << 24)
	var bad []string
	for i, w := range want {
		tol := 4 * float64(k+2) * u * bound[i]
		if d := math.Abs(float64(got[i]) - w); !(d <= tol) {
			bad = append(bad, fmt.Sprintf("c[%d]=%g want %g (tol %g)", i, got[i], w, tol))
			if len(bad) == 5 {
				break
			}
		}
	}
	return bad
}

func runCase(t *testing.T, tc gemmCase, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	a, lda, b, ldb, c, ldc := tc.operands(rng)
	want, bound := reference(tc, a, lda, b, ldb, c, ldc)
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	if bad := mismatches(tc.k, want, bound, c); len(bad) > 0 {
		t.Errorf("Sgemm(%v): %s", tc, strings.Join(bad, "; "))
	}
}

func TestSgemmShapes(t *testing.T) {
	sizes := []int{1, 2, 5, 6, 7, 13, 16, 17, 31, 97}
	var cases []gemmCase
	for _, m := range sizes {
		for _, n := range sizes {
			for _, k := range []int{1, 3, 16, 37} {
				cases = append(cases, gemmCase{transA: (m+n)%2 == 0, transB: (n+k)%3 == 0, m: m, n: n, k: k, alpha: 1, beta: 0, pad: k % 3})
			}
		}
	}
	for i, tc := range cases {
		runCase(t, tc, uint64(i))
	}
}

func TestSgemmTransposesAndScalars(t *testing.T) {
	var cases []gemmCase
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, -1}, {0, 0.5}, {0, 0}} {
				for _, pad := range []int{0, 3} {
					cases = append(cases, gemmCase{tA, tB, 23, 41, 19, ab[0], ab[1], pad})
				}
			}
		}
	}
	for i, tc := range cases {
		t.Run(tc.String(), func(t *testing.T) { runCase(t, tc, uint64(100+i)) })
	}
}

// TestSgemmVector covers the m == 1 and n == 1 products (vector.go) with
// every transpose, scalars and padding, including outputs split over
// goroutines.
func TestSgemmVector(t *testing.T) {
	var cases []gemmCase
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, s := range [][3]int{{1, 1, 1}, {1, 37, 19}, {29, 1, 23}, {1, 4100, 520}, {4100, 1, 520}} {
				cases = append(cases, gemmCase{tA, tB, s[0], s[1], s[2], 1, 0, 0}, gemmCase{tA, tB, s[0], s[1], s[2], -0.5, 2, 3})
			}
		}
	}
	for i, tc := range cases {
		t.Run(tc.String(), func(t *testing.T) { runCase(t, tc, uint64(300+i)) })
	}
}

// TestSgemmBlocking crosses the cache-block edges (kc, mc, nc) and the
// parallel split, with sizes that leave partial tiles everywhere.
func TestSgemmBlocking(t *testing.T) {
	cases := []gemmCase{
		{false, false, mc + 7, 2*nr + 3, kc + 1, 1, 1, 2},
		{true, false, 2*mc + 1, 33, 2*kc + 5, 0.5, -1, 0},
		{false, true, 37, nc + 5, 9, 1, 0, 1},
		{true, true, 311, 263, 301, -1, 0.25, 0},
		{false, false, 1, 1000, 700, 1, 0, 0},
		{true, false, 700, 100, 40, 1, 0, 0}, // row slabs of a transposed A with k < m
		{false, true, 100, 700, 40, 1, 0, 0}, // column slabs of a transposed B with k < n
		{false, true, 1000, 1, 700, 1, 0, 0},
	}
	for i, tc := range cases {
		t.Run(tc.String(), func(t *testing.T) { runCase(t, tc, uint64(200+i)) })
	}
}

func TestSgemmDegenerate(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name        string
		m, n, k     int
		alpha, beta float32
		c, want     []float32
	}{
		{"k=0 beta=0 clears NaN", 2, 2, 0, 1, 0, []float32{nan, 1, 2, nan}, []float32{0, 0, 0, 0}},
		{"k=0 beta=2 scales", 2, 2, 0, 1, 2, []float32{1, 2, 3, 4}, []float32{2, 4, 6, 8}},
		{"alpha=0 beta=1 keeps", 2, 2, 3, 0, 1, []float32{1, 2, 3, 4}, []float32{1, 2, 3, 4}},
		{"m=0 is a no-op", 0, 2, 3, 1, 0, []float32{}, []float32{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := []float32{nan, nan, nan, nan, nan, nan} // never read
			b := []float32{nan, nan, nan, nan, nan, nan}
			lda, ldb := max(tc.k, 1), 2
			Sgemm(false, false, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, tc.c, 2)
			if diff := cmp.Diff(tc.want, tc.c); diff != "" {
				t.Errorf("C (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSgemmPanicsOnBadArguments(t *testing.T) {
	s := make([]float32, 16)
	for _, tc := range []struct {
		name string
		call func()
		want string
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, "negative dimension"},
		{"lda too small", func() { Sgemm(false, false, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }, "lda=2"},
		{"transposed lda too small", func() { Sgemm(true, false, 3, 2, 2, 1, s, 2, s, 2, 0, s, 2) }, "lda=2"},
		{"b too short", func() { Sgemm(false, false, 2, 2, 2, 1, s, 2, s[:3], 2, 0, s, 2) }, "len(b)=3"},
		{"ldc too small", func() { Sgemm(false, false, 2, 3, 2, 1, s, 2, s, 3, 0, s, 2) }, "ldc=2"},
		{"batched c too short", func() { SgemmBatched(false, false, 3, 2, 2, 2, 1, s, 0, 2, s, 0, 2, 0, s, 8, 2) }, "len(c)"},
		{"batched negative stride", func() { SgemmBatched(false, false, 2, 2, 2, 2, 1, s, -1, 2, s, 0, 2, 0, s, 4, 2) }, "negative stride"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, tc.want) {
					t.Errorf("panic %v, want one containing %q", r, tc.want)
				}
			}()
			tc.call()
		})
	}
}

func TestSgemmBatched(t *testing.T) {
	for _, tc := range []struct {
		batch, strideExtra int
		shareB             bool
		gemmCase
	}{
		{1, 0, false, gemmCase{false, true, 7, 9, 5, 1, 0, 0}},
		{4, 3, false, gemmCase{false, true, 17, 17, 8, 0.125, 0, 1}},
		{5, 0, true, gemmCase{true, false, 13, 19, 21, 1, 1, 2}},
		{9, 1, false, gemmCase{false, false, 31, 6, 40, -2, 0.5, 0}},
		{3, 2, false, gemmCase{true, false, 200, 200, 210, 1, 0, 1}}, // large products, one after another
	} {
		t.Run(fmt.Sprintf("batch=%d,%v", tc.batch, tc.gemmCase), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(tc.batch), 11))
			var as, bs, cs [][]float32
			var lda, ldb, ldc int
			for i := 0; i < tc.batch; i++ {
				a, la, b, lb, c, lc := tc.operands(rng)
				as, bs, cs = append(as, a), append(bs, b), append(cs, c)
				lda, ldb, ldc = la, lb, lc
			}
			if tc.shareB {
				for i := range bs {
					bs[i] = bs[0]
				}
			}
			join := func(ms [][]float32, shared bool) ([]float32, int) {
				if shared {
					return ms[0], 0
				}
				stride := len(ms[0]) + tc.strideExtra
				out := make([]float32, 0, stride*len(ms))
				for _, m := range ms {
					out = append(out, m...)
					for range tc.strideExtra {
						out = append(out, sentinel)
					}
				}
				return out, stride
			}
			a, sa := join(as, false)
			b, sb := join(bs, tc.shareB)
			c, sc := join(cs, false)
			SgemmBatched(tc.transA, tc.transB, tc.batch, tc.m, tc.n, tc.k, tc.alpha, a, sa, lda, b, sb, ldb, tc.beta, c, sc, ldc)
			for i := 0; i < tc.batch; i++ {
				want, bound := reference(tc.gemmCase, as[i], lda, bs[i], ldb, cs[i], ldc)
				got := c[i*sc : i*sc+len(cs[i])]
				if bad := mismatches(tc.k, want, bound, got); len(bad) > 0 {
					t.Errorf("product %d: %s", i, strings.Join(bad, "; "))
				}
				for j := len(cs[i]); j < sc && i*sc+j < len(c); j++ {
					if c[i*sc+j] != sentinel {
						t.Errorf("product %d wrote past its matrix at c[%d]", i, i*sc+j)
					}
				}
			}
		})
	}
}

// FuzzSgemm checks random shapes, transposes, paddings and scalars against
// the float64 reference.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(6), uint8(16), uint8(4), uint8(0), uint8(0), uint64(1))
	f.Add(uint8(1), uint8(1), uint8(1), uint8(3), uint8(1), uint64(2))
	f.Add(uint8(97), uint8(33), uint8(70), uint8(2), uint8(2), uint64(3))
	f.Fuzz(func(t *testing.T, m, n, k, flags, pad uint8, seed uint64) {
		scalars := [][2]float32{{1, 0}, {1, 1}, {-1.5, 0.5}, {0, 2}}
		s := scalars[int(flags>>2)%len(scalars)]
		tc := gemmCase{flags&1 != 0, flags&2 != 0, int(m % 160), int(n % 160), int(k % 160), s[0], s[1], int(pad % 4)}
		runCase(t, tc, seed)
	})
}
