package main

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment/learneddet"
)

// minArea is the fewest visible pixels for an entity to count as present:
// phrases whose matched pixels number 1 to minArea-1 are not sampled.
const minArea = 10

// unknownNouns are phrases outside the benchmark's vocabulary; they name
// nothing in any frame.
var unknownNouns = []string{"person", "ball", "car", "dog", "door", "book", "man", "table"}

// frame is one rendered benchmark frame with its entities' attributes and
// visible masks.
type frame struct {
	w, h   int
	pixels []float32 // (h, w, 3) in [0,1]
	ents   []entity
}

// entity is one entity of a frame: attributes at that frame and its
// visible mask (row-major, w*h) and area.
type entity struct {
	size, colour, shape string
	desc                string // the video's description ("the red square")
	mask                []bool
	area                int
}

// query is a phrase as attribute constraints; an empty field matches any.
type query struct{ size, colour, shape, unknown string }

func (q query) text() string {
	var w []string
	for _, s := range []string{q.size, q.colour, q.shape, q.unknown} {
		if s != "" {
			w = append(w, s)
		}
	}
	return strings.Join(w, " ")
}

func (q query) matches(e entity) bool {
	return q.unknown == "" && (q.size == "" || q.size == e.size) && (q.colour == "" || q.colour == e.colour) && (q.shape == "" || q.shape == e.shape)
}

// target returns q's true mask in f (the union of the matching entities'
// visible masks) and its area.
func (f *frame) target(q query) ([]bool, int) {
	m := make([]bool, f.w*f.h)
	n := 0
	for _, e := range f.ents {
		if !q.matches(e) || e.area == 0 {
			continue
		}
		for i, b := range e.mask {
			if b && !m[i] {
				m[i] = true
				n++
			}
		}
	}
	return m, n
}

// colourAt is entity e's colour name in frame t, and false while a colour
// change is blending (the colour is then neither name).
func colourAt(m *synth.Meta, e, t int) (string, bool) {
	c := m.Entities[e].Colour
	for _, ev := range m.Events {
		if ev.Kind != synth.KindColourChange || !slices.Contains(ev.Entities, e) {
			continue
		}
		switch {
		case t > ev.EndFrame:
			c = ev.Colour
		case t >= ev.StartFrame:
			return "", false
		}
	}
	return c, true
}

// render returns frame t of v, or false when an entity is changing colour
// there.
func render(v *synth.Video, t int) (*frame, bool, error) {
	m := v.Meta
	f := &frame{w: m.Width, h: m.Height, pixels: make([]float32, m.Width*m.Height*3)}
	for e, ent := range m.Entities {
		c, ok := colourAt(m, e, t)
		if !ok {
			return nil, false, nil
		}
		mask, err := m.Tracks[e].Mask(t, m.Width, m.Height)
		if err != nil {
			return nil, false, err
		}
		area := 0
		for _, b := range mask {
			if b {
				area++
			}
		}
		f.ents = append(f.ents, entity{size: ent.Size, colour: c, shape: ent.Shape,
			desc: strings.TrimPrefix(ent.Description, "the "), mask: mask, area: area})
	}
	rgb := make([]byte, m.Width*m.Height*3)
	if err := v.RGB(t, rgb); err != nil {
		return nil, false, err
	}
	for i, b := range rgb {
		f.pixels[i] = float32(b) / 255
	}
	return f, true, nil
}

// visible returns the indices of f's entities with at least minArea pixels.
func (f *frame) visible() []int {
	var out []int
	for i, e := range f.ents {
		if e.area >= minArea {
			out = append(out, i)
		}
	}
	return out
}

// positive draws a phrase naming a visible entity of f at a random
// granularity; false when none is visible.
func positive(r *rand.Rand, f *frame) (query, bool) {
	vis := f.visible()
	if len(vis) == 0 {
		return query{}, false
	}
	e := f.ents[vis[r.IntN(len(vis))]]
	switch p := r.Float64(); {
	case p < 0.45:
		return query{colour: e.colour, shape: e.shape}, true
	case p < 0.75:
		return query{size: e.size, colour: e.colour, shape: e.shape}, true
	case p < 0.9:
		return query{shape: e.shape}, true
	default:
		return query{size: e.size, shape: e.shape}, true
	}
}

// negative draws a hard negative: a visible entity's phrase with its colour,
// shape or size changed, or a noun outside the vocabulary. With probability
// shapeNeg (when positive) it is instead the entity's colour with another
// shape, the distractor the detector confuses most. It may still name
// something in f; the labels come from f either way.
func negative(r *rand.Rand, f *frame, shapeNeg float64) query {
	colours, shapes := synth.Colours(), synth.Shapes()
	vis := f.visible()
	if shapeNeg > 0 && len(vis) > 0 && r.Float64() < shapeNeg {
		e := f.ents[vis[r.IntN(len(vis))]]
		other := slices.DeleteFunc(slices.Clone(shapes), func(s string) bool { return s == e.shape })
		q := query{colour: e.colour, shape: other[r.IntN(len(other))]}
		if r.IntN(2) == 0 {
			q.size = e.size
		}
		return q
	}
	if len(vis) == 0 || r.Float64() < 0.08 {
		if r.IntN(2) == 0 {
			return query{unknown: unknownNouns[r.IntN(len(unknownNouns))]}
		}
		return query{colour: colours[r.IntN(len(colours))], shape: shapes[r.IntN(len(shapes))]}
	}
	e := f.ents[vis[r.IntN(len(vis))]]
	q := query{colour: e.colour, shape: e.shape}
	switch p := r.Float64(); {
	case p < 0.42:
		q.colour = colours[r.IntN(len(colours))]
	case p < 0.84:
		q.shape = shapes[r.IntN(len(shapes))]
	default:
		q.size = "small"
		if e.size == "small" {
			q.size = "large"
		}
	}
	return q
}

// sampler draws training batches from the benchmark generator.
type sampler struct {
	cfg       learneddet.Config
	gen       synth.Config
	seed      uint64
	frames    int     // frames per batch
	phrases   int     // phrases per frame (half positive, half negative)
	perVideo  int     // frames drawn from each generated video
	maxVideos int     // video indices are drawn from [0, maxVideos)
	shapeNeg  float64 // share of negatives of the same colour and another shape (0: the original mix)
}

// batch draws the batch of step: the same (seed, step) always gives the
// same batch, so a resumed run sees the batches it would have seen.
func (s *sampler) batch(step int) (learneddet.Batch, error) {
	r := rand.New(rand.NewPCG(s.seed, uint64(step)))
	var b learneddet.Batch
	ss := s.cfg.Size * s.cfg.Size
	var v *synth.Video
	for fi := 0; fi < s.frames; {
		if fi%s.perVideo == 0 || v == nil {
			var err error
			if v, err = synth.Generate(s.gen, s.seed, r.IntN(s.maxVideos)); err != nil {
				return b, err
			}
		}
		f, ok, err := render(v, r.IntN(v.Meta.Frames))
		if err != nil {
			return b, err
		}
		if !ok {
			continue
		}
		in := make([]float32, ss*3)
		learneddet.Resize(in, s.cfg.Size, s.cfg.Size, f.pixels, f.w, f.h, 3)
		b.Frames = append(b.Frames, in...)
		for k := 0; k < s.phrases; {
			var q query
			if k < s.phrases/2 {
				var ok bool
				if q, ok = positive(r, f); !ok {
					q = negative(r, f, s.shapeNeg)
				}
			} else {
				q = negative(r, f, s.shapeNeg)
			}
			mask, area := f.target(q)
			if area > 0 && area < minArea {
				continue
			}
			ids, err := s.cfg.Words(q.text())
			if err != nil {
				return b, err
			}
			b.Items.Frame = append(b.Items.Frame, fi)
			b.Items.Words = append(b.Items.Words, ids)
			full := make([]float32, len(mask))
			for i, on := range mask {
				if on {
					full[i] = 1
				}
			}
			mv := make([]float32, ss)
			learneddet.Resize(mv, s.cfg.Size, s.cfg.Size, full, f.w, f.h, 1)
			b.Masks = append(b.Masks, mv...)
			b.Present = append(b.Present, float32(min(area, 1)))
			k++
		}
		fi++
	}
	return b, nil
}
