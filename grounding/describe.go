package grounding

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/videodit/videodit/fusion"
)

// The stages of Describe in order.
var describeStages = []string{"encode", "text", "time", "fuse", "sequence", "prompt", "decode"}

// Describe says in a few words what happens in v during [start, end)
// seconds (paper Fig. 1, description), decoding with the language model.
// The language model must be both a TokenEmbedder and a Decoder, and time
// tokens must be on (Options.TimeTokens >= 0); otherwise Describe fails
// with an error wrapping ErrUnsupported.
//
//  1. encode, text, time, fuse: the frame tokens (T, d_LLM) of the whole
//     clip conditioned on DescribeInstruction, as in Ground but without
//     masks (no entity is named, so the segment stage does not run);
//  2. sequence: the mixed-token sequence (L, d_LLM) with the instruction
//     tokens of DescribeInstruction, no object tokens, and the time and
//     frame tokens, as in Ground;
//  3. prompt: EmbedText of "between <a> and <b>", (P, d_LLM), where a and
//     b are the time bins (fusion's binning: frame t is in bin
//     floor(t N_time / T)) of the first and last frames of the interval:
//     the last frame whose time is at or before start (frame 0 when start
//     precedes every frame) and the last frame whose time is before end;
//  4. decode: the Decoder's greedy text after the sequence and the prompt,
//     at most Options.DescribeTokens tokens, trimmed of white space.
//
// start and end must be finite with 0 <= start < end <= v.Duration, and
// end after the first frame's time; other values fail before any stage
// with an error naming them. Progress, cancellation and panics are handled
// as in Ground.
func (p *Pipeline) Describe(ctx context.Context, v *Video, start, end float64) (d *Description, err error) {
	s := &stepper{ctx: ctx, prog: p.opt.Progress, what: fmt.Sprintf("describe [%v, %v) s", start, end), total: len(describeStages)}
	defer func() {
		if r := recover(); r != nil {
			d, err = nil, s.panicked(r)
		}
	}()
	te, okE := p.st.LM.(TokenEmbedder)
	dec, okD := p.st.LM.(Decoder)
	switch {
	case !okE || !okD:
		return nil, s.input(fmt.Errorf("%w: the language model (%T) must be a TokenEmbedder and a Decoder", ErrUnsupported, p.st.LM))
	case p.opt.TimeTokens <= 0:
		return nil, s.input(fmt.Errorf("%w: time tokens are off (Options.TimeTokens %d)", ErrUnsupported, p.opt.TimeTokens))
	}
	dims, err := s.check(v, "instruction", DescribeInstruction)
	if err != nil {
		return nil, err
	}
	a, b, err := describeFrames(v, start, end)
	if err != nil {
		return nil, s.input(err)
	}
	N := p.opt.TimeTokens
	prompt := fmt.Sprintf("between %s and %s", fusion.TimeToken(a*N/dims.T), fusion.TimeToken(b*N/dims.T))

	frames, err := p.frameTokens(s, v, dims, nil, DescribeInstruction)
	if err != nil {
		return nil, err
	}
	if err := s.next("sequence"); err != nil {
		return nil, err
	}
	seq, err := p.sequence(s.ctx, frames, nil, dims.T, DescribeInstruction)
	if err != nil {
		return nil, s.fail(err)
	}
	if err := s.next("prompt"); err != nil {
		return nil, err
	}
	pe, err := te.EmbedText(s.ctx, prompt)
	if err != nil {
		return nil, s.fail(fmt.Errorf("prompt %q: %w", prompt, err))
	}
	if ps := shapeOf(pe); len(ps) != 2 || ps[0] < 1 || ps[1] != p.st.LM.Dim() {
		return nil, s.fail(fmt.Errorf("prompt %q: embeddings of shape %v, want (P >= 1, %d)", prompt, ps, p.st.LM.Dim()))
	}
	if err := s.next("decode"); err != nil {
		return nil, err
	}
	text, err := dec.Decode(s.ctx, seq.Embeddings, pe, p.opt.DescribeTokens)
	if err != nil {
		return nil, s.fail(err)
	}
	s.finish()
	return &Description{Start: start, End: end, Text: strings.TrimSpace(text)}, nil
}

// describeFrames checks the interval [start, end) seconds against v and
// returns its first and last frames: the last frame at or before start
// (0 when start precedes every frame) and the last frame before end.
func describeFrames(v *Video, start, end float64) (a, b int, err error) {
	switch {
	case math.IsNaN(start) || math.IsNaN(end) || math.IsInf(start, 0) || math.IsInf(end, 0):
		return 0, 0, fmt.Errorf("interval [%v, %v) s is not finite", start, end)
	case start >= end:
		return 0, 0, fmt.Errorf("interval [%v, %v) s: start not before end", start, end)
	case start < 0 || end > v.Duration:
		return 0, 0, fmt.Errorf("interval [%v, %v) s outside the video [0, %v] s", start, end, v.Duration)
	case end <= v.Times[0]:
		return 0, 0, fmt.Errorf("interval [%v, %v) s ends before the first frame at %v s", start, end, v.Times[0])
	}
	for t, x := range v.Times {
		if x <= start {
			a = t
		}
		if x < end {
			b = t
		}
	}
	return a, b, nil
}
