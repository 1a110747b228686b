package heads

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// DecodeSpan returns the frame span (s, e), 0 <= s <= e < T, maximising
// ps[s]*pe[e] (paper Eq. 16), and that product as score. ps and pe are the
// start and end distributions over the T frame positions, shape (T), axis =
// frame, as Eq. 15 produces them (see Softmax); any non-negative scores work.
//
// It runs in O(T): scanning e upwards it keeps the running prefix maximum of
// ps[0..e] and its earliest position.
//
// Ties: among all maximal pairs the one with the smallest s is returned, and
// among those the smallest e. (In exact arithmetic this is also the pair with
// the smallest e, then the smallest s: if (s1, e1) and (s2, e2) are maximal
// with s1 < s2 <= e2 < e1, then (s1, e2) is maximal too.) When every product
// is 0 the result is (0, 0, 0).
//
// It fails when the lengths differ, T = 0, or a value is negative, NaN or
// infinite; the error names the slice and index.
func DecodeSpan(ps, pe []float64) (s, e int, score float64, err error) {
	if err := checkDistributions(ps, pe); err != nil {
		return 0, 0, 0, err
	}
	bestS := 0 // earliest argmax of ps[0..t]
	score = -1
	for t := range pe {
		if ps[t] > ps[bestS] {
			bestS = t
		}
		if p := ps[bestS] * pe[t]; p > score {
			s, e, score = bestS, t, p
		}
	}
	return s, e, score, nil
}

func checkDistributions(ps, pe []float64) error {
	if len(ps) != len(pe) {
		return fmt.Errorf("heads: start scores have %d frames, end scores %d", len(ps), len(pe))
	}
	if len(ps) == 0 {
		return fmt.Errorf("heads: no frames (T = 0)")
	}
	for _, d := range []struct {
		name string
		xs   []float64
	}{{"start", ps}, {"end", pe}} {
		for i, x := range d.xs {
			if !(x >= 0) || math.IsInf(x, 0) {
				return fmt.Errorf("heads: %s score %d is %g, want finite and >= 0", d.name, i, x)
			}
		}
	}
	return nil
}

// FrameSpan is a decoded span of frame indices, Start <= End, both
// inclusive, with its score ps[Start]*pe[End].
type FrameSpan struct {
	Start, End int
	Score      float64
}

// frameIoU is the IoU of two inclusive frame spans seen as the intervals
// [Start, End+1), so that a one-frame span has length 1.
func frameIoU(a, b FrameSpan) float64 {
	return IoU(Span{float64(a.Start), float64(a.End + 1)}, Span{float64(b.Start), float64(b.End + 1)})
}

// TopSpans ranks up to k spans for retrieval-style evaluation: the pairs
// s <= e ordered by ps[s]*pe[e] (Eq. 16) with greedy non-maximum
// suppression, keeping a pair only when its IoU with every kept span is at
// most maxIoU (frames as unit intervals, so maxIoU = 0 gives disjoint
// spans). Equal scores are ordered by s, then e, so TopSpans(...)[0] is
// DecodeSpan's answer. ps and pe have shape (T), axis = frame. It costs
// O(T^2 log T) time and O(T^2) memory; fewer than k spans come back when
// suppression leaves fewer. It fails on the inputs DecodeSpan rejects, on
// k < 1 and on maxIoU outside [0, 1].
func TopSpans(ps, pe []float64, k int, maxIoU float64) ([]FrameSpan, error) {
	if err := checkDistributions(ps, pe); err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("heads: top-k with k = %d, want >= 1", k)
	}
	if !(maxIoU >= 0 && maxIoU <= 1) {
		return nil, fmt.Errorf("heads: suppression IoU threshold %g, want in [0, 1]", maxIoU)
	}
	T := len(ps)
	cands := make([]FrameSpan, 0, T*(T+1)/2)
	for s := 0; s < T; s++ {
		for e := s; e < T; e++ {
			cands = append(cands, FrameSpan{Start: s, End: e, Score: ps[s] * pe[e]})
		}
	}
	slices.SortFunc(cands, func(a, b FrameSpan) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	var kept []FrameSpan
	for _, c := range cands {
		ok := true
		for _, q := range kept {
			if frameIoU(c, q) > maxIoU {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, c)
			if len(kept) == k {
				break
			}
		}
	}
	return kept, nil
}
