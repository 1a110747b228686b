package dataset

import (
	"fmt"
	"math"

	"github.com/videodit/videodit/heads"
)

// checkSpan rejects a span whose end points are not finite, negative, or
// reversed.
func checkSpan(s heads.Span) error {
	if err := s.Valid(); err != nil {
		return err
	}
	if s.Start < 0 {
		return fmt.Errorf("span %v starts before 0", s)
	}
	return nil
}

// clip limits a span to [0, duration] when duration is known (> 0) and
// reports whether it changed anything. Annotation end times past the video's
// end occur in the real Charades-STA and NExT-GQA files.
func clip(s heads.Span, duration float64) (heads.Span, bool) {
	if !(duration > 0) || s.End <= duration {
		return s, false
	}
	return heads.Span{Start: math.Min(s.Start, duration), End: duration}, true
}

// checkDuration rejects a duration that is not finite and positive.
func checkDuration(d float64) error {
	if math.IsNaN(d) || math.IsInf(d, 0) || d <= 0 {
		return fmt.Errorf("duration %g, want finite and > 0", d)
	}
	return nil
}
