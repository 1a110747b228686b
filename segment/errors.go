package segment

import "errors"

// Sentinel errors, wrapped (with the offending input named) by the
// functions of this package; test them with errors.Is.
var (
	// ErrEmptyQuery: the query is empty or only white space.
	ErrEmptyQuery = errors.New("segment: empty query")
	// ErrNoPhrase: the parser found no noun phrase in the query.
	ErrNoPhrase = errors.New("segment: no noun phrase in query")
	// ErrBadVideo: the frames are not a float32 (T,H,W,3) tensor with
	// T, H, W >= 1 and finite values, or the times do not match them.
	ErrBadVideo = errors.New("segment: bad video")
)
