package grounder

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/segment"
)

// PixelGrid is the side of the grid of mean colours in the pixel features;
// PixelDim their width: PixelGrid^2 mean colours, the mean colour inside
// M_t and the mask geometry (diffusion.Geometry).
const (
	PixelGrid = 8
	PixelDim  = PixelGrid*PixelGrid*3 + 3 + diffusion.GeometryDim
)

// Frozen holds the frozen stages whose outputs a Sample caches.
type Frozen struct {
	Segmenter segment.Segmenter
	// Encoder gives the pooled diffusion features (Encoder.Pooled); its
	// g_phi is not used here.
	Encoder *diffusion.Encoder
	Text    fusion.TextEncoder
	Aux     diffusion.AuxEncoder
	Tok     *fusion.Tokenizer
	// Name identifies the frozen stages in cache keys (their weights'
	// identities); Key adds the encoder's options.
	Name string
}

// Key identifies what Extract computes: the frozen stages and the
// encoder's options.
func (f *Frozen) Key() string {
	o := f.Encoder.Options
	o.Progress = nil
	return fmt.Sprintf("%s|%+v", f.Name, o)
}

// entityDim is the width of the entity features that close each row of
// the encoder's pooled features.
func (f *Frozen) entityDim() int { return diffusion.EntityFeaturesDim(f.Encoder.Options.Entities) }

// Sample is what the frozen stages make of one (video, query) pair, and
// its targets: the unit the training recipe caches and trains on.
type Sample struct {
	// Video and Query name the pair; Kind is "ground" for a grounding
	// query, else the QA kind.
	Video, Query, Kind string
	// Times are the T sampled frames' times in seconds, Duration the
	// video's length.
	Times    []float64
	Duration float64
	// Pooled holds diffusion.Encoder.PooledTracks, (T, PooledDim),
	// row-major, whose last EntityDim columns are the entity features
	// (diffusion.EntityFeatures); Pixels the pixel features, (T, PixelDim).
	Pooled, Pixels []float32
	PooledDim      int
	EntityDim      int
	// Aux holds the auxiliary encoder's features, (T, AuxDim).
	Aux    []float32
	AuxDim int
	// Text is e_text; Tokens the instruction's token ids.
	Text   []float32
	Tokens []int
	// Presence, (Nouns, T), is 1 where a track's mask is non-empty.
	Presence []float32
	Nouns    int
	// Choices holds the choices' texts and text embeddings, (C, d_t);
	// Answer the correct one's index (-1 for a grounding query).
	ChoiceText []string
	Choices    []float32
	Answer     int
	// GT holds the ground-truth spans in seconds (several for some
	// questions); Start and End the target frames of GT[0].
	GT         [][2]float64
	Start, End int
}

// T returns the number of frames.
func (s *Sample) T() int { return len(s.Times) }

// Validate checks that the sample's arrays have the sizes its counts and
// a model of config c imply.
func (s *Sample) Validate(c Config) error {
	T := s.T()
	fail := func(what string, got, want int) error {
		return fmt.Errorf("grounder: sample %s %q: %s holds %d values, want %d", s.Video, s.Query, what, got, want)
	}
	switch {
	case T < 1:
		return fmt.Errorf("grounder: sample %s %q: no frames", s.Video, s.Query)
	case c.Features == PixelFeatures && len(s.Pixels) != T*PixelDim:
		return fail("pixel features", len(s.Pixels), T*PixelDim)
	case len(s.Pooled) != T*s.PooledDim:
		return fail("pooled features", len(s.Pooled), T*s.PooledDim)
	case s.EntityDim < 0 || s.EntityDim > s.PooledDim:
		return fmt.Errorf("grounder: sample %s %q: %d entity features of %d pooled", s.Video, s.Query, s.EntityDim, s.PooledDim)
	case len(s.Presence) != s.Nouns*T:
		return fail("presence", len(s.Presence), s.Nouns*T)
	case len(s.Choices) != len(s.ChoiceText)*len(s.Text):
		return fail("choices", len(s.Choices), len(s.ChoiceText)*len(s.Text))
	case len(s.Aux) != T*s.AuxDim:
		return fail("aux features", len(s.Aux), T*s.AuxDim)
	case s.Answer >= len(s.ChoiceText) || (s.Answer < 0 && s.Answer != -1):
		return fmt.Errorf("grounder: sample %s %q: answer %d of %d choices", s.Video, s.Query, s.Answer, len(s.ChoiceText))
	}
	return nil
}

// Input returns the network's input for a model of config c. Arrays of
// the wrong size (see Validate) give a nil tensor, which Forward rejects.
func (s *Sample) Input(c Config) Input {
	T := s.T()
	in := Input{Text: s.Text, Tokens: s.Tokens}
	if c.Features == PixelFeatures {
		in.Pooled = matrix(s.pixelRows(), T, PixelDim+s.EntityDim)
	} else {
		in.Pooled = matrix(s.Pooled, T, s.PooledDim)
	}
	if s.Nouns > 0 {
		in.Presence = matrix(s.Presence, s.Nouns, T)
	}
	if len(s.ChoiceText) > 0 {
		in.Choices = matrix(s.Choices, len(s.ChoiceText), len(s.Text))
	}
	return in
}

// pixelRows returns what the pixel variant reads, (T, PixelDim +
// EntityDim) row-major: each frame's pixel features, then its entity
// features from Pooled (nil when either array has the wrong size).
func (s *Sample) pixelRows() []float32 {
	T, P, E := s.T(), s.PooledDim, s.EntityDim
	if len(s.Pixels) != T*PixelDim || len(s.Pooled) != T*P || E < 0 || E > P {
		return nil
	}
	out := make([]float32, 0, T*(PixelDim+E))
	for t := range T {
		out = append(out, s.Pixels[t*PixelDim:(t+1)*PixelDim]...)
		out = append(out, s.Pooled[(t+1)*P-E:(t+1)*P]...)
	}
	return out
}

// matrix returns data as an (r, c) tensor, or nil when its length is not
// r*c or either side is below 1.
func matrix(data []float32, r, c int) *tensor.Dense {
	if r < 1 || c < 1 || len(data) != r*c {
		return nil
	}
	return tensor.New(tensor.WithShape(r, c), tensor.WithBacking(data))
}

// AuxTensor returns Aux as a (T, AuxDim) tensor.
func (s *Sample) AuxTensor() *tensor.Dense {
	return tensor.New(tensor.WithShape(s.T(), s.AuxDim), tensor.WithBacking(s.Aux))
}

// FrameTargets maps a span [start, end) in seconds to the inclusive frame
// span whose seconds (heads.SpanSeconds) cover it best: the frame showing
// start and the last frame shown before end.
func FrameTargets(times []float64, start, end float64) (s, e int) {
	for i, t := range times {
		if t <= start {
			s = i
		}
		if t < end {
			e = i
		}
	}
	return s, max(e, s)
}

// Extract runs the frozen stages on frames (T, H, W, 3) in [0, 1] with
// their times for query (a grounding query or a question, whose choices
// are given) and returns the Sample without targets (GT empty, Answer -1).
func (f *Frozen) Extract(ctx context.Context, frames *tensor.Dense, times []float64, duration float64, query string, choices []string) (*Sample, error) {
	fs := frames.Shape()
	if len(fs) != 4 || fs[0] != len(times) {
		return nil, fmt.Errorf("grounder: extract %q: frames of shape %v with %d times", query, fs, len(times))
	}
	T, h, w := fs[0], fs[1], fs[2]
	seg, err := f.Segmenter.Segment(ctx, segment.Video{Frames: frames, Times: times}, query)
	if err != nil {
		return nil, fmt.Errorf("grounder: extract %q: segment: %w", query, err)
	}
	union := UnionMasks(seg, T, w, h)
	tracks := make([][]segment.Mask, len(seg.Tracks))
	for i, tr := range seg.Tracks {
		tracks[i] = tr.Masks
	}
	pooled, err := f.Encoder.PooledTracks(ctx, frames, union, tracks, query)
	if err != nil {
		return nil, fmt.Errorf("grounder: extract %q: encode: %w", query, err)
	}
	pix, err := Pixels(f.Encoder.Denoiser.Config, frames, union)
	if err != nil {
		return nil, fmt.Errorf("grounder: extract %q: pixels: %w", query, err)
	}
	aux, err := f.Aux.AuxFeatures(ctx, frames)
	if err != nil {
		return nil, fmt.Errorf("grounder: extract %q: aux: %w", query, err)
	}
	text, err := f.Text.Encode(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("grounder: extract %q: text: %w", query, err)
	}
	ids, err := f.Tok.Encode(query)
	if err != nil {
		return nil, fmt.Errorf("grounder: extract %q: tokens: %w", query, err)
	}
	s := &Sample{
		Query: query, Kind: "ground", Times: append([]float64(nil), times...), Duration: duration,
		Pooled: dense32(pooled), PooledDim: pooled.Shape()[1], EntityDim: f.entityDim(), Pixels: pix,
		Aux: dense32(aux), AuxDim: aux.Shape()[1], Text: text, Tokens: ids,
		Presence: Presence(seg.Tracks, T), Nouns: len(seg.Tracks), Answer: -1,
	}
	for _, c := range choices {
		e, err := f.Text.Encode(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("grounder: extract %q: choice %q: %w", query, c, err)
		}
		s.ChoiceText = append(s.ChoiceText, c)
		s.Choices = append(s.Choices, e...)
	}
	return s, nil
}

// UnionMasks returns the Segmenter's union masks M_t, with the empty
// zero-size masks some segmenters leave before the start replaced by empty
// w x h masks.
func UnionMasks(seg *segment.Result, T, w, h int) []segment.Mask {
	union := make([]segment.Mask, T)
	for t := range union {
		if t < len(seg.Union) && (seg.Union[t].Width() != 0 || seg.Union[t].Height() != 0) {
			union[t] = seg.Union[t]
		} else {
			union[t] = segment.NewMask(w, h)
		}
	}
	return union
}

// Presence returns (len(tracks), T) row-major: 1 where a track's mask is
// non-empty.
func Presence(tracks []segment.Track, T int) []float32 {
	p := make([]float32, len(tracks)*T)
	for i, tr := range tracks {
		for t, m := range tr.Masks {
			if t < T && m.Area() > 0 {
				p[i*T+t] = 1
			}
		}
	}
	return p
}

// Pixels returns the pixel features of frames (T, H, W, 3) and their
// union masks, (T, PixelDim) row-major: the frames resized as the denoiser
// of config c sees them, the mean colour of each cell of a PixelGrid x
// PixelGrid grid, the mean colour inside M_t (0 when empty) and
// diffusion.Geometry.
func Pixels(c diffusion.Config, frames *tensor.Dense, masks []segment.Mask) ([]float32, error) {
	clip, err := c.Prepare(frames, masks)
	if err != nil {
		return nil, err
	}
	s := clip.Frames.Shape()
	H, W := s[1], s[2]
	px, mk := clip.Frames.Float32s(), clip.Masks.Float32s()
	geo := diffusion.Geometry(clip)
	out := make([]float32, clip.T*PixelDim)
	for t := range clip.T {
		o := out[t*PixelDim : (t+1)*PixelDim]
		for cy := range PixelGrid {
			y0, y1 := cellRange(cy, H)
			for cx := range PixelGrid {
				x0, x1 := cellRange(cx, W)
				cell := o[(cy*PixelGrid+cx)*3 : (cy*PixelGrid+cx+1)*3]
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						i := ((t*H+y)*W + x) * 3
						for k := range 3 {
							cell[k] += px[i+k]
						}
					}
				}
				n := float32((y1 - y0) * (x1 - x0))
				for k := range 3 {
					cell[k] /= n
				}
			}
		}
		var in float32
		inside := o[PixelGrid*PixelGrid*3 : PixelGrid*PixelGrid*3+3]
		for i := range H * W {
			if mk[t*H*W+i] > 0 {
				in++
				for k := range 3 {
					inside[k] += px[(t*H*W+i)*3+k]
				}
			}
		}
		if in > 0 {
			for k := range 3 {
				inside[k] /= in
			}
		}
		copy(o[PixelGrid*PixelGrid*3+3:], geo[t*diffusion.GeometryDim:(t+1)*diffusion.GeometryDim])
	}
	return out, nil
}

// cellRange returns the pixels [lo, hi) of n that grid cell i averages:
// floor(i n / PixelGrid) up to floor((i+1) n / PixelGrid), and at least the
// first of them when n < PixelGrid.
func cellRange(i, n int) (lo, hi int) {
	lo = i * n / PixelGrid
	return lo, max((i+1)*n/PixelGrid, lo+1)
}

// dense32 copies a float32 tensor's data in row-major order.
func dense32(t *tensor.Dense) []float32 {
	if t.RequiresIterator() {
		t = t.Materialize().(*tensor.Dense)
	}
	return append([]float32(nil), t.Float32s()...)
}
