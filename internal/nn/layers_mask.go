package nn

import "gorgonia.org/tensor"

// MaskedBias is the additive attention bias of a masked (query, key) pair. It
// is finite, so a row whose keys are all masked gives a uniform average in
// float32 instead of NaN, and gradients stay finite.
const MaskedBias float32 = -1e9

// CausalBias returns the additive bias (L, L), axes (query, key), of causal
// attention: 0 where key <= query, MaskedBias elsewhere.
func CausalBias(l int) *tensor.Dense {
	b := make([]float32, l*l)
	for q := range l {
		for k := q + 1; k < l; k++ {
			b[q*l+k] = MaskedBias
		}
	}
	return newDense(b, l, l)
}

// KeyPaddingBias returns the additive bias (B, Lq, Lk), axes (batch, query,
// key), that hides padded keys: keep[b][k] false masks key k of sequence b for
// every one of the lq queries. All keep[b] must have the same length Lk.
// Combine it with a causal bias (L, L) by Add (the (L,L) bias broadcasts).
func KeyPaddingBias(lq int, keep [][]bool) *tensor.Dense {
	lk := 0
	if len(keep) > 0 {
		lk = len(keep[0])
	}
	b := make([]float32, len(keep)*lq*lk)
	for bi, row := range keep {
		for q := range lq {
			for k := range min(lk, len(row)) {
				if !row[k] {
					b[(bi*lq+q)*lk+k] = MaskedBias
				}
			}
		}
	}
	return newDense(b, len(keep), lq, lk)
}

// BlockLocalBias returns the additive bias (L, L), axes (query, key), of
// block-local attention: token i belongs to block blocks[i] (L =
// len(blocks)), and a query in block a sees a key in block b when
// |a - b| <= w; other pairs get MaskedBias. With w = 0 attention stays inside
// a block; with w = 1 a block also sees its two neighbours. This is the
// segment-local temporal attention of the denoiser (cost linear in the number
// of segments).
func BlockLocalBias(blocks []int, w int) *tensor.Dense {
	l := len(blocks)
	b := make([]float32, l*l)
	for q, bq := range blocks {
		for k, bk := range blocks {
			if d := bq - bk; d > w || -d > w {
				b[q*l+k] = MaskedBias
			}
		}
	}
	return newDense(b, l, l)
}

// UniformBlocks returns the block index of each of l tokens cut into
// consecutive blocks of size tokens (the last block may be shorter), for
// BlockLocalBias: token i is in block i/size.
func UniformBlocks(l, size int) []int {
	out := make([]int, l)
	for i := range out {
		out[i] = i / max(size, 1)
	}
	return out
}
