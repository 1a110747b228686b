package heads

import (
	"fmt"
	"math"
)

// Span is a closed time interval [Start, End], in seconds at the public
// surface (frame indices are converted with SpanSeconds). A Span with
// End < Start is "reversed"; the metrics score it 0, the readers reject it.
type Span struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Len is End - Start; negative for a reversed span.
func (s Span) Len() float64 { return s.End - s.Start }

// Valid reports an error when an end point is NaN or infinite or when the
// span is reversed.
func (s Span) Valid() error {
	if math.IsNaN(s.Start) || math.IsInf(s.Start, 0) || math.IsNaN(s.End) || math.IsInf(s.End, 0) {
		return fmt.Errorf("span [%g, %g]: end point not finite", s.Start, s.End)
	}
	if s.End < s.Start {
		return fmt.Errorf("span [%g, %g]: end before start", s.Start, s.End)
	}
	return nil
}

// String formats the span as "[start, end]".
func (s Span) String() string { return fmt.Sprintf("[%g, %g]", s.Start, s.End) }
