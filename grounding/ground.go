package grounding

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
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
//     query (and on each track's masks when the Encoder is a
//     diffusion.TrackEncoder);
//  3. text, time: e_text, (d_t), and e_time, (T, d_f);
//  4. fuse: frame tokens u~, (T, d_LLM) (Eq. 13);
//  5. sequence: the mixed-token sequence, (L, d_LLM), exactly
//     fusion.BuildSequence(SequenceInput{Instruction, Objects, ObjectMask,
//     TimeTable, Frames}, Budgets{Objects: N_obj, TimeTokens: N_time}).
//     Object tokens (N_obj = Options.ObjectTokens) are the frame tokens
//     pooled over the chunks where each track's mask is non-empty
//     (Objects (N, T, d_LLM) holds the frame tokens once per track,
//     ObjectMask (N, T) the track's presence). When the language model is
//     a TokenEmbedder, the instruction tokens are its EmbedText of the
//     query, (L_ins, d_LLM), and the time tokens <0>..<N_time-1> its
//     TimeTokens(N_time), (N_time, d_LLM), N_time = Options.TimeTokens;
//     otherwise both are left out and the query reaches the language
//     model only through e_text in the frame tokens;
//  6. lm: hidden states, (L, d_LLM);
//  7. spans: p_s and p_e over the frame positions (Eq. 15), the top
//     Options.TopK spans (Eq. 16, heads.TopSpans) converted to seconds by
//     heads.SpanSeconds with v.Times and v.Duration.
//
// Options.Progress is called after each stage. ctx is checked between
// stages and its error returned, wrapped, naming the stage not run.
// Errors name the query and the stage and wrap the stage's error; a panic
// in a stage is recovered and returned as an error. A nil or malformed
// video wraps ErrBadVideo; an empty query, one of white space, one that is
// not UTF-8 or one without a letter or digit (so without a word token) is
// an error naming it.
func (p *Pipeline) Ground(ctx context.Context, v *Video, query string) (res *Result, err error) {
	s := &stepper{ctx: ctx, prog: p.opt.Progress, what: fmt.Sprintf("ground %q", query), total: len(groundStages)}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, s.panicked(r)
		}
	}()
	dims, err := s.check(v, "query", query)
	if err != nil {
		return nil, err
	}
	res, _, err = p.ground(s, v, dims, query)
	if err != nil {
		return nil, err
	}
	s.finish()
	return res, nil
}

// pass is what the stages up to the language model computed for a query.
type pass struct {
	seg    *segment.Result // nil when the segment stage did not run
	seq    *fusion.Sequence
	hidden *tensor.Dense // (L, d_LLM)
}

// ground runs Ground's stages for query on s and returns the result and
// the pass it came from.
func (p *Pipeline) ground(s *stepper, v *Video, dims videoDims, query string) (*Result, *pass, error) {
	ps, err := p.forward(s, v, dims, query)
	if err != nil {
		return nil, nil, err
	}
	if err := s.next("spans"); err != nil {
		return nil, nil, err
	}
	spans, err := p.spans(ps.hidden, ps.seq.Layout.Frames, v)
	if err != nil {
		return nil, nil, s.fail(err)
	}
	res := &Result{
		Query: query, Source: v.Source, Frames: dims.T, Duration: v.Duration, Repeated: v.Repeated,
		Spans: spans, Start: ps.seg.Start,
	}
	res.Entities, res.Dropped = entitiesOf(ps.seg)
	return res, ps, nil
}

// forward runs the stages segment to lm for query.
func (p *Pipeline) forward(s *stepper, v *Video, dims videoDims, query string) (*pass, error) {
	seg, err := p.segment(s, v, dims, query)
	if err != nil {
		return nil, err
	}
	frames, err := p.frameTokens(s, v, dims, seg, query)
	if err != nil {
		return nil, err
	}
	if err := s.next("sequence"); err != nil {
		return nil, err
	}
	seq, err := p.sequence(s.ctx, frames, seg.Tracks, dims.T, query)
	if err != nil {
		return nil, s.fail(err)
	}
	if err := s.next("lm"); err != nil {
		return nil, err
	}
	hidden, err := p.st.LM.Hidden(s.ctx, seq.Embeddings)
	if err != nil {
		return nil, s.fail(err)
	}
	if hs := shapeOf(hidden); len(hs) != 2 || hs[0] != seq.Layout.Len {
		return nil, s.fail(fmt.Errorf("hidden states of shape %v for a sequence of %d tokens", shapeOf(hidden), seq.Layout.Len))
	}
	return &pass{seg: seg, seq: seq, hidden: hidden}, nil
}

// segment runs the stage segment (the Segmenter on text) and checks its
// result: T union masks, empty ones given the frames' size.
func (p *Pipeline) segment(s *stepper, v *Video, dims videoDims, text string) (*segment.Result, error) {
	if err := s.next("segment"); err != nil {
		return nil, err
	}
	seg, err := p.st.Segmenter.Segment(s.ctx, segmentVideo(v), text)
	if err != nil {
		return nil, s.fail(err)
	}
	if seg == nil {
		return nil, s.fail(fmt.Errorf("segmenter returned no result"))
	}
	if len(seg.Union) != dims.T {
		return nil, s.fail(fmt.Errorf("%d union masks for %d frames", len(seg.Union), dims.T))
	}
	for _, tr := range seg.Tracks {
		if len(tr.Masks) != dims.T {
			return nil, s.fail(fmt.Errorf("track %q has %d masks for %d frames", tr.Phrase.Text, len(tr.Masks), dims.T))
		}
	}
	// Copy the union masks: the segmenter's result may be shared.
	out := *seg
	out.Union = make([]segment.Mask, dims.T)
	for t, m := range seg.Union {
		out.Union[t] = m
		if m.Width() == 0 && m.Height() == 0 {
			out.Union[t] = segment.NewMask(dims.W, dims.H)
		}
	}
	return &out, nil
}

// frameTokens runs the stages encode, text, time and fuse: the frame
// tokens u~, (T, d_LLM), of v conditioned on the segmentation seg (nil for
// none: no masks) and text. An Encoder that is a diffusion.TrackEncoder
// also gets each track's masks.
func (p *Pipeline) frameTokens(s *stepper, v *Video, dims videoDims, seg *segment.Result, text string) (*tensor.Dense, error) {
	if err := s.next("encode"); err != nil {
		return nil, err
	}
	var union []segment.Mask
	var tracks [][]segment.Mask
	if seg != nil {
		union = seg.Union
		for _, tr := range seg.Tracks {
			tracks = append(tracks, tr.Masks)
		}
	}
	var z *tensor.Dense
	var err error
	if te, ok := p.st.Encoder.(diffusion.TrackEncoder); ok {
		z, err = te.EncodeTracks(s.ctx, v.Frames, union, tracks, text)
	} else {
		z, err = p.st.Encoder.Encode(s.ctx, v.Frames, union, text)
	}
	if err != nil {
		return nil, s.fail(err)
	}
	if err := s.next("text"); err != nil {
		return nil, err
	}
	eText, err := p.st.Text.Encode(s.ctx, text)
	if err != nil {
		return nil, s.fail(err)
	}
	if err := s.next("time"); err != nil {
		return nil, err
	}
	eTime, err := p.st.Time.Embed(dims.T)
	if err != nil {
		return nil, s.fail(err)
	}
	if err := s.next("fuse"); err != nil {
		return nil, err
	}
	frames, err := p.st.Fuser.Fuse(z, eText, eTime)
	if err != nil {
		return nil, s.fail(err)
	}
	return frames, nil
}

// segmentVideo is v as the Segmenter takes it.
func segmentVideo(v *Video) segment.Video {
	return segment.Video{Frames: v.Frames, Times: v.Times}
}

// videoDims are the sizes of a checked video.
type videoDims struct{ T, H, W int }

// checkVideo returns T, H, W of a usable video: float32 frames (T,H,W,3)
// and T times.
func checkVideo(v *Video) (videoDims, error) {
	if v == nil || v.Frames == nil {
		return videoDims{}, fmt.Errorf("%w: nil video or frames", ErrBadVideo)
	}
	s := v.Frames.Shape()
	if len(s) != 4 || s[3] != 3 || s[0] < 1 || s[1] < 1 || s[2] < 1 || v.Frames.Dtype() != tensor.Float32 {
		return videoDims{}, fmt.Errorf("%w: %s: frames of shape %v, dtype %v, want float32 (T, H, W, 3)", ErrBadVideo, v.Source, s, v.Frames.Dtype())
	}
	if len(v.Times) != s[0] {
		return videoDims{}, fmt.Errorf("%w: %s: %d times for %d frames", ErrBadVideo, v.Source, len(v.Times), s[0])
	}
	return videoDims{T: s[0], H: s[1], W: s[2]}, nil
}

// checkText checks a query, question, phrase or choice (named by what): it
// must be UTF-8 with at least one letter or digit, so that it has a word
// token.
func checkText(what, text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return fmt.Errorf("empty %s %q", what, text)
	case !utf8.ValidString(text):
		return fmt.Errorf("%s %q is not valid UTF-8", what, text)
	case strings.IndexFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0:
		return fmt.Errorf("%s %q has no word (no letter or digit)", what, text)
	}
	return nil
}

// sequence builds the mixed-token sequence, (L, d), from the frame tokens,
// (T, d), with one object-token row per track (the frame tokens weighed by
// the track's presence, mask non-empty, in each frame) and, when the
// language model is a TokenEmbedder, the instruction tokens of instruction
// and the time tokens.
func (p *Pipeline) sequence(ctx context.Context, frames *tensor.Dense, tracks []segment.Track, T int, instruction string) (*fusion.Sequence, error) {
	fs := shapeOf(frames)
	if len(fs) != 2 || fs[0] != T || fs[1] != p.st.LM.Dim() || frames.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("frame tokens of shape %v, want float32 (%d, %d)", shapeOf(frames), T, p.st.LM.Dim())
	}
	d := fs[1]
	in := fusion.SequenceInput{Frames: frames}
	b := fusion.Budgets{}
	if n := len(tracks); n > 0 && p.opt.ObjectTokens > 0 {
		b.Objects = p.opt.ObjectTokens
		if frames.RequiresIterator() {
			frames = frames.Materialize().(*tensor.Dense)
		}
		tok := frames.Data().([]float32)
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
	if te, ok := p.st.LM.(TokenEmbedder); ok {
		ins, err := te.EmbedText(ctx, instruction)
		if err != nil {
			return nil, fmt.Errorf("instruction tokens of %q: %w", instruction, err)
		}
		if s := shapeOf(ins); len(s) != 2 || s[0] < 1 || s[1] != d || ins.Dtype() != tensor.Float32 {
			return nil, fmt.Errorf("instruction tokens of %q: shape %v, want float32 (L_ins >= 1, %d)", instruction, s, d)
		}
		in.Instruction = ins
		if n := p.opt.TimeTokens; n > 0 {
			tt, err := te.TimeTokens(n)
			if err != nil {
				return nil, fmt.Errorf("%d time tokens: %w", n, err)
			}
			if s := shapeOf(tt); len(s) != 2 || s[0] != n || s[1] != d || tt.Dtype() != tensor.Float32 {
				return nil, fmt.Errorf("%d time tokens: shape %v, want float32 (%d, %d)", n, s, n, d)
			}
			in.TimeTable = tt
			b.TimeTokens = n
		}
	}
	return fusion.BuildSequence(in, b)
}

// shapeOf is t's shape, nil for a nil tensor.
func shapeOf(t *tensor.Dense) tensor.Shape {
	if t == nil {
		return nil
	}
	return t.Shape()
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

// stepper runs the stages of one task: it names the stage running, reports
// progress, checks the context between stages and words errors.
type stepper struct {
	ctx   context.Context
	prog  Progress
	what  string // the task and its input, e.g. `ground "a dog"`
	stage string // the stage running, "" before the first
	step  int    // stages started
	total int
}

// next reports the running stage done and starts name, unless ctx is done.
func (s *stepper) next(name string) error {
	if s.step > 0 && s.prog != nil {
		s.prog(s.stage, s.step, s.total)
	}
	s.stage = name
	s.step++
	if err := s.ctx.Err(); err != nil {
		return fmt.Errorf("grounding: %s: before stage %s: %w", s.what, name, err)
	}
	return nil
}

// finish reports the last stage done.
func (s *stepper) finish() {
	if s.step > 0 && s.prog != nil {
		s.prog(s.stage, s.step, s.total)
	}
}

// fail words an error of the running stage.
func (s *stepper) fail(err error) error {
	return fmt.Errorf("grounding: %s: stage %s: %w", s.what, s.stage, err)
}

// input words an error about the task's input.
func (s *stepper) input(err error) error {
	return fmt.Errorf("grounding: %s: %w", s.what, err)
}

// check checks the inputs every task has: the context, the video and a
// text named what. It returns the video's sizes.
func (s *stepper) check(v *Video, what, text string) (videoDims, error) {
	if s.ctx == nil {
		return videoDims{}, s.input(fmt.Errorf("nil context"))
	}
	if err := checkText(what, text); err != nil {
		return videoDims{}, s.input(err)
	}
	dims, err := checkVideo(v)
	if err != nil {
		return videoDims{}, s.input(err)
	}
	return dims, nil
}

// panicked words a panic recovered while the task ran.
func (s *stepper) panicked(r any) error {
	stage := s.stage
	if stage == "" {
		stage = "input"
	}
	return fmt.Errorf("grounding: %s: stage %s panicked: %v", s.what, stage, r)
}
