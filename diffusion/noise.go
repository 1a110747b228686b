package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"
)

// SegmentLength returns the length in frames of the temporal noise segments
// when t frames are cut into k segments: ceil(t/k). Segment j covers frames
// [j*L, min((j+1)*L, t)), so when k does not divide t the last segment is
// shorter, and there are ceil(t/L) segments, which can be fewer than k (t=9,
// k=4: L=3, three segments). It fails on t < 1 or k < 1.
func SegmentLength(t, k int) (int, error) {
	if t < 1 {
		return 0, fmt.Errorf("diffusion: %d frames: want at least 1", t)
	}
	if k < 1 {
		return 0, fmt.Errorf("diffusion: %d segments: want at least 1", k)
	}
	return (t + k - 1) / k, nil
}

// Segments returns the segment index of each of t frames cut into segments
// of l frames (see SegmentLength): frame i is in segment i/l.
func Segments(t, l int) []int {
	out := make([]int, t)
	for i := range out {
		out[i] = i / max(l, 1)
	}
	return out
}

// segmentRand returns the random stream of segment j under seed: noise of a
// segment depends only on (seed, j), never on the clip length.
func segmentRand(seed uint64, j int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15^uint64(j)))
}

// SegmentNoise returns standard Gaussian noise of shape (T, H, W, C), one
// independent draw per temporal segment of segLen frames (temporal noise
// injection, paper section III-B): segment j is filled, in row-major order,
// from a PCG stream seeded by (seed, j), so a segment's noise does not
// depend on the other segments or on T.
func SegmentNoise(seed uint64, segLen int, shape ...int) (*tensor.Dense, error) {
	if len(shape) != 4 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 || shape[3] < 1 {
		return nil, fmt.Errorf("diffusion: noise shape %v: want (T, H, W, C), all positive", shape)
	}
	if segLen < 1 {
		return nil, fmt.Errorf("diffusion: segment length %d: want at least 1", segLen)
	}
	frame := shape[1] * shape[2] * shape[3]
	data := make([]float32, shape[0]*frame)
	for j := 0; j*segLen < shape[0]; j++ {
		r := segmentRand(seed, j)
		end := min((j+1)*segLen, shape[0]) * frame
		for i := j * segLen * frame; i < end; i++ {
			data[i] = float32(r.NormFloat64())
		}
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data)), nil
}

// SegmentLevels returns the diffusion time of each of n segments: tau plus,
// when jitter > 0, an offset drawn uniformly from [-jitter, jitter] for each
// segment (seeded by (seed, j), a stream apart from SegmentNoise's), clamped
// to [lo, hi]. It fails when tau is outside (0, 1) or jitter is negative or
// NaN.
func SegmentLevels(seed uint64, n int, tau, jitter, lo, hi float64) ([]float64, error) {
	if !(tau > 0 && tau < 1) {
		return nil, fmt.Errorf("diffusion: tau %v outside (0, 1)", tau)
	}
	if !(jitter >= 0) {
		return nil, fmt.Errorf("diffusion: jitter %v: want >= 0", jitter)
	}
	out := make([]float64, n)
	for j := range out {
		out[j] = tau
		if jitter > 0 {
			r := rand.New(rand.NewPCG(seed^0xd1b54a32d192ed03, uint64(j)))
			out[j] = math.Min(hi, math.Max(lo, tau+jitter*(2*r.Float64()-1)))
		}
	}
	return out, nil
}

// AddNoise returns x_tau = alpha_tau x0 + sigma_tau eps (paper Eq. 7) for
// clean frames x0 and noise eps of the same shape (T, H, W, C), with a
// diffusion time per frame (taus, length T) under schedule s. It fails on
// mismatched shapes, a tau outside [0, 1] or an unknown schedule.
func AddNoise(s Schedule, x0, eps *tensor.Dense, taus []float64) (*tensor.Dense, error) {
	shape := x0.Shape()
	if !shape.Eq(eps.Shape()) || len(shape) < 1 {
		return nil, fmt.Errorf("diffusion: AddNoise: x0 %v and noise %v differ", shape, eps.Shape())
	}
	if len(taus) != shape[0] {
		return nil, fmt.Errorf("diffusion: AddNoise: %d taus for %d frames", len(taus), shape[0])
	}
	xs, es := x0.Float32s(), eps.Float32s()
	out := make([]float32, len(xs))
	frame := len(xs) / shape[0]
	for t, tau := range taus {
		a, b, err := s.Coefficients(tau)
		if err != nil {
			return nil, fmt.Errorf("diffusion: AddNoise: frame %d: %w", t, err)
		}
		for i := t * frame; i < (t+1)*frame; i++ {
			out[i] = float32(a*float64(xs[i]) + b*float64(es[i]))
		}
	}
	return tensor.New(tensor.WithShape(shape.Clone()...), tensor.WithBacking(out)), nil
}

// FrameLevels expands per-segment diffusion times to one per frame: frame i
// gets levels[i/segLen].
func FrameLevels(levels []float64, t, segLen int) []float64 {
	out := make([]float64, t)
	for i, j := range Segments(t, segLen) {
		out[i] = levels[min(j, len(levels)-1)]
	}
	return out
}
