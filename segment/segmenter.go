package segment

import (
	"context"

	"gorgonia.org/tensor"
)

// Video is the input of a Segmenter: Frames is a float32 tensor of shape
// (T,H,W,3) (frame, row, column, RGB) with values in [0,1]; Times[t] is the
// time of frame t in seconds, increasing. Times may be nil: frame t is then
// at t seconds.
type Video struct {
	Frames *tensor.Dense
	Times  []float64
}

// Segmenter is the entity stage of paper section III-A: it binds the
// entities of a query to binary masks through the video.
//
// Segment parses query into noun phrases (Eq. 1), grounds them in every
// frame (Eq. 2), gates their co-occurrence (Eq. 3-4), tracks one mask per
// phrase from the start (Eq. 5), forms the union masks (Eq. 6) and, when
// asked, the longest gated span (Step 5). An empty query is an error
// wrapping ErrEmptyQuery, a query without noun phrase one wrapping
// ErrNoPhrase, bad frames one wrapping ErrBadVideo. Segment checks ctx and
// returns its error when cancelled; it is safe for concurrent use.
type Segmenter interface {
	Segment(ctx context.Context, v Video, query string) (*Result, error)
}

// Result is what a Segmenter finds. Every per-frame slice has length T.
//
// When no phrase is grounded anywhere in the video (all are Dropped), the
// gate is all false, there is no start and no span, and every mask is empty:
// nothing of the query was seen.
type Result struct {
	// Tracks holds one track per kept phrase, in query order.
	Tracks []Track
	// Dropped are the parsed phrases the detector grounded in no frame
	// (score below tau_i everywhere): tagger mistakes such as a verb read
	// as a noun, or entities absent from the video. They take no part in
	// the gate.
	Dropped []Phrase
	// Gate is g_t of Eq. 3 over the kept phrases.
	Gate []bool
	// Start is t_s of Eq. 4, the first frame of the tracks; -1 when the
	// gate never holds for K consecutive frames.
	Start int
	// Union is M_t of Eq. 6, the pixel-wise OR of the tracks' masks at t,
	// binary; empty before Start.
	Union []Mask
	// Span is the longest gated run of Step 5; nil when span extraction is
	// off or no run is long enough.
	Span *Span
}

// Track is one phrase followed through the video (Eq. 5).
type Track struct {
	Phrase Phrase
	// Tau is the threshold tau_i the phrase was gated with.
	Tau float64
	// Scores[t] is s_hat_{i,t}, the best proposal's score in frame t
	// (Eq. 2); 0 when the detector proposed nothing.
	Scores []float64
	// Valid[t] is s_hat_{i,t} >= tau_i.
	Valid []bool
	// Start is the first tracked frame (the Result's Start); -1 when not
	// tracked.
	Start int
	// Masks[t] is m_{i,t}: empty before Start, seeded from the best
	// proposal at Start, propagated after it.
	Masks []Mask
	// Reseeds lists the frames after Start where the propagated mask had
	// drifted and was replaced by a detection.
	Reseeds []int
}

// Span is a run of frames [Start, End] (End inclusive) and the same run in
// seconds: StartSec = Times[Start], EndSec = Times[End].
type Span struct {
	Start, End       int
	StartSec, EndSec float64
}
