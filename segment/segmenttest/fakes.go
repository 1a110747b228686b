package segmenttest

import (
	"context"
	"fmt"
	"strings"

	"github.com/videodit/videodit/segment"
	"gorgonia.org/tensor"
)

// FixedParser is a fake Parser that answers from a table: ByQuery[query]
// (exact text), and no phrase for any other query.
type FixedParser struct {
	ByQuery map[string][]segment.Phrase
}

var _ segment.Parser = (*FixedParser)(nil)

// Parse implements segment.Parser.
func (p *FixedParser) Parse(query string) ([]segment.Phrase, error) {
	if strings.TrimSpace(query) == "" {
		return nil, fmt.Errorf("segmenttest: parsing %q: %w", query, segment.ErrEmptyQuery)
	}
	return append([]segment.Phrase{}, p.ByQuery[query]...), nil
}

// FixedDetector is a fake Detector driven by known masks: for a phrase
// whose Text is a key of Masks, frame t gets one proposal (the mask, its
// box, score Score) when Masks[text][t] is not empty, and none otherwise;
// other phrases are never found. Score 0 means 0.9.
type FixedDetector struct {
	Masks map[string][]segment.Mask
	Score float64
}

var _ segment.Detector = (*FixedDetector)(nil)

// Detect implements segment.Detector. frames is (T,H,W,3); the masks of a
// known phrase must cover the T frames at the frames' size.
func (d *FixedDetector) Detect(ctx context.Context, frames *tensor.Dense, phrases []segment.Phrase) ([][][]segment.Proposal, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("segmenttest: detecting: %w", err)
	}
	T, h, w, err := shape(frames)
	if err != nil {
		return nil, err
	}
	score := d.Score
	if score == 0 {
		score = 0.9
	}
	out := make([][][]segment.Proposal, len(phrases))
	for i, p := range phrases {
		out[i] = make([][]segment.Proposal, T)
		ms, ok := d.Masks[p.Text]
		if !ok {
			continue
		}
		if len(ms) != T {
			return nil, fmt.Errorf("segmenttest: %d masks for phrase %q, video has %d frames", len(ms), p.Text, T)
		}
		for t, m := range ms {
			if m.Width() != w || m.Height() != h {
				return nil, fmt.Errorf("segmenttest: mask of %q at frame %d is %dx%d, frames are %dx%d", p.Text, t, m.Width(), m.Height(), w, h)
			}
			if b, ok := m.Box(); ok {
				out[i][t] = []segment.Proposal{{Mask: m.Clone(), Box: b, Score: score}}
			}
		}
	}
	return out, nil
}

// IdentityTracker is a fake Tracker that keeps every mask where it is:
// each frame's mask is the previous one (after reseed).
type IdentityTracker struct{}

var _ segment.Tracker = IdentityTracker{}

// Track implements segment.Tracker.
func (IdentityTracker) Track(ctx context.Context, frames *tensor.Dense, start int, seeds []segment.Mask, reseed segment.Reseed) ([][]segment.Mask, error) {
	T, h, w, err := shape(frames)
	if err != nil {
		return nil, err
	}
	if start < 0 || start >= T {
		return nil, fmt.Errorf("segmenttest: tracking from frame %d of %d", start, T)
	}
	for i, s := range seeds {
		if s.Width() != w || s.Height() != h {
			return nil, fmt.Errorf("segmenttest: seed %d is %dx%d, frames are %dx%d", i, s.Width(), s.Height(), w, h)
		}
	}
	out := make([][]segment.Mask, len(seeds))
	cur := append([]segment.Mask(nil), seeds...)
	for i, s := range seeds {
		out[i] = append(make([]segment.Mask, 0, T-start), s.Clone())
	}
	for t := start + 1; t < T; t++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("segmenttest: tracking at frame %d: %w", t, err)
		}
		if reseed != nil {
			next := reseed(t, append([]segment.Mask(nil), cur...))
			if len(next) != len(cur) {
				return nil, fmt.Errorf("segmenttest: reseed returned %d masks for %d", len(next), len(cur))
			}
			for i, m := range next {
				if m.Width() != w || m.Height() != h {
					return nil, fmt.Errorf("segmenttest: reseed returned mask %d of %dx%d, frames are %dx%d", i, m.Width(), m.Height(), w, h)
				}
			}
			cur = next
		}
		for i := range cur {
			out[i] = append(out[i], cur[i].Clone())
		}
	}
	return out, nil
}

// Scripted is a fake Segmenter that answers from a table: ByQuery[query]
// (exact text) for a video of as many frames as the scripted gate. Another
// query is an error wrapping segment.ErrNoPhrase. The Result returned is
// the scripted one: do not modify it.
type Scripted struct {
	ByQuery map[string]*segment.Result
}

var _ segment.Segmenter = (*Scripted)(nil)

// Segment implements segment.Segmenter.
func (s *Scripted) Segment(ctx context.Context, v segment.Video, query string) (*segment.Result, error) {
	if strings.TrimSpace(query) == "" {
		return nil, fmt.Errorf("segmenttest: segmenting %q: %w", query, segment.ErrEmptyQuery)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("segmenttest: segmenting %q: %w", query, err)
	}
	T, _, _, err := shape(v.Frames)
	if err != nil {
		return nil, err
	}
	r, ok := s.ByQuery[query]
	if !ok {
		return nil, fmt.Errorf("segmenttest: segmenting %q: %w", query, segment.ErrNoPhrase)
	}
	if len(r.Gate) != T {
		return nil, fmt.Errorf("segmenttest: %w: %d frames, the script has %d", segment.ErrBadVideo, T, len(r.Gate))
	}
	return r, nil
}

// shape checks frames is a float32 (T,H,W,3) tensor with T, H, W >= 1.
func shape(frames *tensor.Dense) (T, h, w int, err error) {
	if frames == nil {
		return 0, 0, 0, fmt.Errorf("segmenttest: %w: frames are nil", segment.ErrBadVideo)
	}
	s := frames.Shape()
	if frames.Dtype() != tensor.Float32 || len(s) != 4 || s[3] != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 {
		return 0, 0, 0, fmt.Errorf("segmenttest: %w: frames are %v of shape %v, want float32 (T,H,W,3)", segment.ErrBadVideo, frames.Dtype(), s)
	}
	return s[0], s[1], s[2], nil
}
