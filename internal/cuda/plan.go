package cuda

import "gorgonia.org/tensor"

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
	if len(b) > len(a) {
		return bcastPlan{}, false
	}
	lead := len(a) - len(b)
	for i, d := range b {
		if ad := a[lead+i]; d != ad && (lead > 0 || d != 1) {
			return bcastPlan{}, false
		}
	}
	const none, full, bcast = 0, 1, 2
	var p bcastPlan
	var kinds []int
	last := none
	for i, ad := range a {
		if ad == 1 {
			continue
		}
		kind := bcast
		if i >= lead && b[i-lead] == ad {
			kind = full
		}
		if kind == last {
			p.dims[len(p.dims)-1] *= int64(ad)
			continue
		}
		p.dims = append(p.dims, int64(ad))
		kinds = append(kinds, kind)
		last = kind
	}
	if len(p.dims) == 0 {
		p.dims, kinds = []int64{1}, []int{full}
	}
	p.bStride = make([]int64, len(p.dims))
	stride := int64(1)
	for i := len(p.dims) - 1; i >= 0; i-- {
		if kinds[i] == full {
			p.bStride[i] = stride
			stride *= p.dims[i]
		}
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

// splitAxis returns the sizes before, along and after axis of s.
func splitAxis(s tensor.Shape, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range s[:axis] {
		outer *= d
	}
	for _, d := range s[axis+1:] {
		inner *= d
	}
	return outer, s[axis], inner
}
