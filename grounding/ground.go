package grounding

import (
	"context"
	"fmt"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/segment"
)

// The stages of Ground in order, as named to the progress callback and in
// errors.
var groundStages = []string{"segment", "encode", "text", "time", "fuse", "sequence", "lm", "spans"}

// Ground finds when query happens in v and what it is about (paper Fig. 1,
// temporal grounding):
//
//  1. segment: the Segmenter's tracks and union masks M_t (Eq. 1-6);
//  2. encode: diffusion features z, (T, d_v), conditioned on M_t and the
//     query;
//  3. text, time: e_text, (d_t), and e_time, (T, d_f);
//  4. fuse: frame tokens u~, (T, d_LLM) (Eq. 13);
//  5. sequence: the mixed-token sequence (fusion.BuildSequence), (L,
//     d_LLM). Object tokens are the frame tokens pooled over the chunks
//     where each track's mask is non-empty. This first cut leaves out the
//     instruction tokens and the time tokens <k>: LanguageModel exposes no
//     token embedding table, so the query reaches the LM only through
//     e_text in the frame tokens;
//  6. lm: hidden states, (L, d_LLM);
//  7. spans: p_s and p_e over the frame positions (Eq. 15), the top
//     Options.TopK spans (Eq. 16, heads.TopSpans) converted to seconds by
//     heads.SpanSeconds with v.Times and v.Duration.
//
// ctx is checked between stages and its error returned, wrapped. Errors
// name the stage and wrap the stage's error; a panic in a stage is
// recovered and returned as an error. A nil or malformed video wraps
// ErrBadVideo; an empty query is an error naming it.
func (p *Pipeline) Ground(ctx context.Context, v *Video, query string) (res *Result, err error) {
	stage := "input"
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("grounding: ground %q: stage %s panicked: %v", query, stage, r)
		}
	}()
	T, h, w, err := checkVideo(v)
	if err != nil {
		return nil, fmt.Errorf("grounding: ground %q: %w", query, err)
	}
	if strings.TrimSpace(query) == "" {
		return nil, fmt.Errorf("grounding: ground: empty query %q", query)
	}
	step := 0
	next := func(name string) error {
		if step > 0 && p.opt.Progress != nil {
			p.opt.Progress(stage, step, len(groundStages))
		}
		stage = name
		step++
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("grounding: ground %q: before stage %s: %w", query, name, err)
		}
		return nil
	}
	fail := func(err error) error {
		return fmt.Errorf("grounding: ground %q: stage %s: %w", query, stage, err)
	}

	if err := next("segment"); err != nil {
		return nil, err
	}
	seg, err := p.st.Segmenter.Segment(ctx, segment.Video{Frames: v.Frames, Times: v.Times}, query)
	if err != nil {
		return nil, fail(err)
	}
	if seg == nil {
		return nil, fail(fmt.Errorf("segmenter returned no result"))
	}
	if len(seg.Union) != T {
		return nil, fail(fmt.Errorf("%d union masks for %d frames", len(seg.Union), T))
	}
	union := make([]segment.Mask, T)
	for t, m := range seg.Union {
		union[t] = m
		if m.Width() == 0 && m.Height() == 0 {
			union[t] = segment.NewMask(w, h)
		}
	}

	if err := next("encode"); err != nil {
		return nil, err
	}
	z, err := p.st.Encoder.Encode(ctx, v.Frames, union, query)
	if err != nil {
		return nil, fail(err)
	}

	if err := next("text"); err != nil {
		return nil, err
	}
	eText, err := p.st.Text.Encode(ctx, query)
	if err != nil {
		return nil, fail(err)
	}

	if err := next("time"); err != nil {
		return nil, err
	}
	eTime, err := p.st.Time.Embed(T)
	if err != nil {
		return nil, fail(err)
	}

	if err := next("fuse"); err != nil {
		return nil, err
	}
	frames, err := p.st.Fuser.Fuse(z, eText, eTime)
	if err != nil {
		return nil, fail(err)
	}

	if err := next("sequence"); err != nil {
		return nil, err
	}
	seq, err := p.sequence(frames, seg.Tracks, T)
	if err != nil {
		return nil, fail(err)
	}

	if err := next("lm"); err != nil {
		return nil, err
	}
	hidden, err := p.st.LM.Hidden(ctx, seq.Embeddings)
	if err != nil {
		return nil, fail(err)
	}

	if err := next("spans"); err != nil {
		return nil, err
	}
	spans, err := p.spans(hidden, seq.Layout.Frames, v)
	if err != nil {
		return nil, fail(err)
	}
	if p.opt.Progress != nil {
		p.opt.Progress(stage, step, len(groundStages))
	}

	res = &Result{
		Query: query, Source: v.Source, Frames: T, Duration: v.Duration, Repeated: v.Repeated,
		Spans: spans, Entities: make([]Entity, len(seg.Tracks)), Start: seg.Start,
	}
	for i, tr := range seg.Tracks {
		res.Entities[i] = entityOf(tr)
	}
	for _, d := range seg.Dropped {
		res.Dropped = append(res.Dropped, d.Text)
	}
	return res, nil
}

// checkVideo returns T, H, W of a usable video: float32 frames (T,H,W,3)
// and T times.
func checkVideo(v *Video) (T, h, w int, err error) {
	if v == nil || v.Frames == nil {
		return 0, 0, 0, fmt.Errorf("%w: nil video or frames", ErrBadVideo)
	}
	s := v.Frames.Shape()
	if len(s) != 4 || s[3] != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 || v.Frames.Dtype() != tensor.Float32 {
		return 0, 0, 0, fmt.Errorf("%w: %s: frames of shape %v, dtype %v, want float32 (T, H, W, 3)", ErrBadVideo, v.Source, s, v.Frames.Dtype())
	}
	if len(v.Times) != s[0] {
		return 0, 0, 0, fmt.Errorf("%w: %s: %d times for %d frames", ErrBadVideo, v.Source, len(v.Times), s[0])
	}
	return s[0], s[1], s[2], nil
}

// sequence builds the mixed-token sequence from the frame tokens, (T, d),
// with one object-token row per track: the frame tokens weighed by the
// track's presence (mask non-empty) in each frame.
func (p *Pipeline) sequence(frames *tensor.Dense, tracks []segment.Track, T int) (*fusion.Sequence, error) {
	fs := frames.Shape()
	if len(fs) != 2 || fs[0] != T || frames.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("frame tokens of shape %v, dtype %v, want float32 (%d, d)", fs, frames.Dtype(), T)
	}
	in := fusion.SequenceInput{Frames: frames}
	b := fusion.Budgets{}
	if n := len(tracks); n > 0 && p.opt.ObjectTokens > 0 {
		b.Objects = p.opt.ObjectTokens
		if frames.RequiresIterator() {
			frames = frames.Materialize().(*tensor.Dense)
		}
		tok := frames.Data().([]float32)
		d := fs[1]
		obj := make([]float32, 0, n*T*d)
		mask := make([]float32, n*T)
		for i, tr := range tracks {
			if len(tr.Masks) != T {
				return nil, fmt.Errorf("track %q has %d masks for %d frames", tr.Phrase.Text, len(tr.Masks), T)
			}
			obj = append(obj, tok...)
			for t, m := range tr.Masks {
				if m.Area() > 0 {
					mask[i*T+t] = 1
				}
			}
		}
		in.Objects = tensor.New(tensor.WithShape(n, T, d), tensor.WithBacking(obj))
		in.ObjectMask = tensor.New(tensor.WithShape(n, T), tensor.WithBacking(mask))
	}
	return fusion.BuildSequence(in, b)
}

// spans decodes the top spans over the frame positions and converts them
// to seconds.
func (p *Pipeline) spans(hidden *tensor.Dense, positions []int, v *Video) ([]Span, error) {
	ps, pe, err := p.st.Spans.Distributions(hidden, positions)
	if err != nil {
		return nil, err
	}
	top, err := heads.TopSpans(ps, pe, p.opt.TopK, p.opt.MaxIoU)
	if err != nil {
		return nil, err
	}
	out := make([]Span, len(top))
	for i, fsp := range top {
		sec, err := heads.SpanSeconds(fsp.Start, fsp.End, v.Times, v.Duration)
		if err != nil {
			return nil, err
		}
		out[i] = Span{Start: sec.Start, End: sec.End, StartFrame: fsp.Start, EndFrame: fsp.End, Score: fsp.Score}
	}
	return out, nil
}
