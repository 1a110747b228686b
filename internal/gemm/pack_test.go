package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPackB compares packB with the definition: panel q holds, for each
// step p, the nr columns q*nr.. of op(B)'s row p0+p, zero past nb.
func TestPackB(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, trans := range []bool{false, true} {
		for _, kb := range []int{1, 7, 8, 9, 16, 23, 40} {
			for _, nb := range []int{1, 15, 16, 17, 33, 48} {
				t.Run(fmt.Sprintf("trans=%v,kb=%d,nb=%d", trans, kb, nb), func(t *testing.T) {
					const p0, j0, pad = 3, 2, 5
					rows, cols := p0+kb, j0+nb // op(B) extent
					if trans {
						rows, cols = cols, rows
					}
					ld := cols + pad
					b := randomMatrix(rng, rows, cols, ld)
					at := func(p, j int) float32 {
						if trans {
							return b[j*ld+p]
						}
						return b[p*ld+j]
					}
					panels := (nb + nr - 1) / nr
					want := make([]float32, panels*nr*kb)
					for q := range panels {
						for p := range kb {
							for c := range nr {
								if j := q*nr + c; j < nb {
									want[q*nr*kb+p*nr+c] = at(p0+p, j0+j)
								}
							}
						}
					}
					got := make([]float32, len(want))
					for i := range got {
						got[i] = -1 // the packing must overwrite, padding included
					}
					packB(trans, b, ld, p0, j0, kb, nb, got)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("packed B (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestPackA compares packA with the definition: panel q holds, for each
// step p, alpha times the mr rows q*mr.. of op(A)'s column p0+p, zero past mb.
func TestPackA(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, trans := range []bool{false, true} {
		for _, kb := range []int{1, 5, 16} {
			for _, mb := range []int{1, 5, 6, 7, 13} {
				t.Run(fmt.Sprintf("trans=%v,kb=%d,mb=%d", trans, kb, mb), func(t *testing.T) {
					const i0, p0, pad, alpha = 2, 3, 4, 0.5
					rows, cols := i0+mb, p0+kb
					if trans {
						rows, cols = cols, rows
					}
					ld := cols + pad
					a := randomMatrix(rng, rows, cols, ld)
					at := func(i, p int) float32 {
						if trans {
							return a[p*ld+i]
						}
						return a[i*ld+p]
					}
					panels := (mb + mr - 1) / mr
					want := make([]float32, panels*mr*kb)
					for q := range panels {
						for p := range kb {
							for r := range mr {
								if i := q*mr + r; i < mb {
									want[q*mr*kb+p*mr+r] = alpha * at(i0+i, p0+p)
								}
							}
						}
					}
					got := make([]float32, len(want))
					for i := range got {
						got[i] = -1
					}
					packA(trans, a, ld, i0, p0, mb, kb, alpha, got)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("packed A (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}
