package cuda

import (
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// maxRank bounds the merged dimensions of a broadcast or permutation plan
// (the kernels take them as a metadata array; merging keeps real networks
// far below).
const maxRank = 16

// bcastPlan is how b's elements line up against a's for vd_binary: a is a
// row-major array of shape dims (runs of dimensions that b treats alike
// merged, size-1 dimensions dropped), and b's index advances by bStride[i]
// along dims[i] (0 where b is broadcast).
type bcastPlan struct {
	dims, bStride []int64
}

// planBroadcast checks that b broadcasts against a under the rule of
// nn.Exec (same shape; same rank with some sizes 1; or b equal to a's
// trailing dimensions) and returns the merged plan.
func planBroadcast(a, b tensor.Shape) (bcastPlan, bool) {
	dims, bStride, err := nn.BroadcastPlan(a, b)
	if err != nil {
		return bcastPlan{}, false
	}
	p := bcastPlan{dims: make([]int64, len(dims)), bStride: make([]int64, len(dims))}
	for i := range dims {
		p.dims[i], p.bStride[i] = int64(dims[i]), int64(bStride[i])
	}
	return p, len(p.dims) <= maxRank
}

// meta returns the plan as vd_binary's metadata: the dims, then b's
// strides.
func (p bcastPlan) meta() []int64 { return append(append([]int64(nil), p.dims...), p.bStride...) }

// permPlan is a permutation for vd_permute: the output, row-major, has
// dims (size-1 axes dropped, axes adjacent in both input and output
// merged), and its index along dims[i] advances the input by srcStride[i].
type permPlan struct {
	dims, srcStride []int64
}

// planPermute returns the plan of permuting shape in by perm (already
// checked to be a permutation of its axes).
func planPermute(in tensor.Shape, perm []int) permPlan {
	strides := make([]int64, len(in))
	st := int64(1)
	for i := len(in) - 1; i >= 0; i-- {
		strides[i] = st
		st *= int64(in[i])
	}
	var p permPlan
	for _, ax := range perm {
		if in[ax] == 1 {
			continue
		}
		n := len(p.dims)
		if n > 0 && p.srcStride[n-1] == strides[ax]*int64(in[ax]) {
			p.dims[n-1] *= int64(in[ax])
			p.srcStride[n-1] = strides[ax]
			continue
		}
		p.dims = append(p.dims, int64(in[ax]))
		p.srcStride = append(p.srcStride, strides[ax])
	}
	if len(p.dims) == 0 {
		p.dims, p.srcStride = []int64{1}, []int64{1}
	}
	return p
}

// meta returns the plan as vd_permute's metadata: the dims, then the
// source strides.
func (p permPlan) meta() []int64 { return append(append([]int64(nil), p.dims...), p.srcStride...) }
