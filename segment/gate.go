package segment

import (
	"fmt"
	"math"
)

// Valid marks the frames where a noun is detected: valid[t] is true iff
// scores[t] >= tau (paper, Step 2: a detection is valid if s_hat_{i,t} >=
// tau_i). scores[t] is the best proposal's score in frame t (Eq. 2). A tau
// outside [0,1] or NaN, and a NaN score, are errors; no scores give an empty
// result.
func Valid(scores []float64, tau float64) ([]bool, error) {
	if err := checkTau(tau); err != nil {
		return nil, err
	}
	v := make([]bool, len(scores))
	for t, s := range scores {
		if math.IsNaN(s) {
			return nil, fmt.Errorf("segment: score of frame %d is NaN", t)
		}
		v[t] = s >= tau
	}
	return v, nil
}

func checkTau(tau float64) error {
	if math.IsNaN(tau) || tau < 0 || tau > 1 {
		return fmt.Errorf("segment: threshold %v outside [0,1]", tau)
	}
	return nil
}

// Gate is the AND gate of Eq. 3: g_t = prod_i 1[s_hat_{i,t} >= tau_i], given
// valid[i][t] (noun i, frame t, as returned by Valid). Every noun must cover
// the same number of frames, otherwise the input is ragged and an error is
// returned.
//
// With no nouns there is no frame count: Gate returns an empty gate and no
// error. (The default Segmenter never gates on zero nouns: with no grounded
// phrase its gate is all false, see Result.)
func Gate(valid [][]bool) ([]bool, error) {
	if len(valid) == 0 {
		return []bool{}, nil
	}
	T := len(valid[0])
	for i, v := range valid {
		if len(v) != T {
			return nil, fmt.Errorf("segment: ragged gate input: noun 0 has %d frames, noun %d has %d", T, i, len(v))
		}
	}
	g := make([]bool, T)
	for t := range g {
		g[t] = true
		for _, v := range valid {
			if !v[t] {
				g[t] = false
				break
			}
		}
	}
	return g, nil
}

// PersistentStart is the tracking start of Eq. 4: the earliest frame t with
// g_t, ..., g_{t+K-1} all true (Gamma_t^(K) = 1). It returns -1 and false when
// no such frame exists, in particular when K > len(g) or g is empty. A K
// below 1 asks for no persistence and is treated as K = 1.
func PersistentStart(g []bool, k int) (int, bool) {
	k = max(k, 1)
	run := 0
	for t, v := range g {
		if !v {
			run = 0
			continue
		}
		run++
		if run == k {
			return t - k + 1, true
		}
	}
	return -1, false
}

// LongestRun is the optional span of Step 5: the longest contiguous run
// [start, end] (end inclusive) with g_t true for every t in it and
// end-start+1 >= minLen. Ties go to the earliest run. It returns -1, -1,
// false when no run is long enough. A minLen below 1 is treated as 1 (a span
// holds at least one frame).
func LongestRun(g []bool, minLen int) (start, end int, ok bool) {
	minLen = max(minLen, 1)
	bestS, bestLen := -1, 0
	s := -1
	for t := 0; t <= len(g); t++ {
		if t < len(g) && g[t] {
			if s < 0 {
				s = t
			}
			continue
		}
		if s >= 0 {
			if n := t - s; n > bestLen {
				bestS, bestLen = s, n
			}
			s = -1
		}
	}
	if bestLen < minLen {
		return -1, -1, false
	}
	return bestS, bestS + bestLen - 1, true
}
