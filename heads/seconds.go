package heads

import (
	"fmt"
	"math"
)

// SpanSeconds converts the inclusive frame span [s, e] to seconds. times,
// shape (T), holds each sampled frame's time stamp (when it is shown), non-
// decreasing; frame t covers [times[t], times[t+1]) and the last frame
// covers [times[T-1], duration]. The result is [times[s], times[e+1]], or
// [times[s], duration] when e is the last frame. It fails on indices out of
// range or reversed, on times not finite or decreasing, and on a duration
// before the last frame time.
func SpanSeconds(s, e int, times []float64, duration float64) (Span, error) {
	T := len(times)
	if s < 0 || e < s || e >= T {
		return Span{}, fmt.Errorf("heads: frame span [%d, %d] outside [0, %d) or reversed", s, e, T)
	}
	for i, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return Span{}, fmt.Errorf("heads: frame time %d is %g", i, t)
		}
		if i > 0 && t < times[i-1] {
			return Span{}, fmt.Errorf("heads: frame time %d (%g) before frame time %d (%g)", i, t, i-1, times[i-1])
		}
	}
	if math.IsNaN(duration) || math.IsInf(duration, 0) || duration < times[T-1] {
		return Span{}, fmt.Errorf("heads: duration %g before the last frame time %g", duration, times[T-1])
	}
	end := duration
	if e+1 < T {
		end = times[e+1]
	}
	return Span{Start: times[s], End: end}, nil
}
