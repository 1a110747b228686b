package grounding

import (
	"context"
	"fmt"
)

// Track follows the entities of a noun phrase through v and, when event is
// not "", reports whether a stated event happens (paper Fig. 1, tracking).
//
//  1. track: the Segmenter on phrase alone gives the entities' masks per
//     frame (Entities, with boxes and areas as in Result), the gate g_t
//     and the start t_s;
//  2. when event is not "": Ground's eight stages on event. Score is the
//     top span's score p_s(s) p_e(e), in [0, 1]; Happens reports Score >=
//     Options.EventThreshold (DefaultEventThreshold unless set) and Span
//     is then the top span.
//
// Bad input fails before any stage with an error naming it: the phrase and
// the video as in Ground, and an event of white space or without a word.
// Progress, cancellation and panics are handled as in Ground.
func (p *Pipeline) Track(ctx context.Context, v *Video, phrase string, event string) (tr *TrackResult, err error) {
	total := 1
	if event != "" {
		total += len(groundStages)
	}
	s := &stepper{ctx: ctx, prog: p.opt.Progress, what: fmt.Sprintf("track %q", phrase), total: total}
	defer func() {
		if r := recover(); r != nil {
			tr, err = nil, s.panicked(r)
		}
	}()
	dims, err := s.check(v, "phrase", phrase)
	if err != nil {
		return nil, err
	}
	if event != "" {
		if err := checkText("event", event); err != nil {
			return nil, s.input(err)
		}
	}

	if err := s.next("track"); err != nil {
		return nil, err
	}
	seg, err := p.st.Segmenter.Segment(s.ctx, segmentVideo(v), phrase)
	if err != nil {
		return nil, s.fail(err)
	}
	if seg == nil {
		return nil, s.fail(fmt.Errorf("segmenter returned no result"))
	}
	if len(seg.Gate) != dims.T {
		return nil, s.fail(fmt.Errorf("gate of %d frames for %d frames", len(seg.Gate), dims.T))
	}
	for _, t := range seg.Tracks {
		if len(t.Masks) != dims.T {
			return nil, s.fail(fmt.Errorf("track %q has %d masks for %d frames", t.Phrase.Text, len(t.Masks), dims.T))
		}
	}
	tr = &TrackResult{
		Phrase: phrase, Source: v.Source, Frames: dims.T, Duration: v.Duration, Repeated: v.Repeated,
		Start: seg.Start, Gate: append([]bool(nil), seg.Gate...),
	}
	tr.Entities, tr.Dropped = entitiesOf(seg)

	if event != "" {
		s.what = fmt.Sprintf("track %q: event %q", phrase, event)
		res, _, err := p.ground(s, v, dims, event)
		if err != nil {
			return nil, err
		}
		tr.Event = event
		if len(res.Spans) > 0 {
			top := res.Spans[0]
			tr.Score = top.Score
			if top.Score >= p.opt.EventThreshold {
				tr.Happens, tr.Span = true, &top
			}
		}
	}
	s.finish()
	return tr, nil
}
