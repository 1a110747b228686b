package synth

import (
	"math"
	"math/rand/v2"
)

// entitySpec is an entity's fixed attributes.
type entitySpec struct {
	colour int // index into colours, first frame
	shape  int // index into shapes
	large  bool
	layer  int
	radius float64 // pixels per unit of the shape outline
}

// newRand returns the random stream number stream of video index of seed:
// a PCG seeded from (seed, index, stream) only, so every video (and every
// part of it) is independent of the others and of the generation order.
func newRand(seed uint64, index int, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, splitmix(splitmix(uint64(index))^stream)))
}

// splitmix is the SplitMix64 finaliser, a bijective mixer of 64-bit words.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniform draws from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// newEntities draws n entities with distinct (colour, shape, size) triples.
// After the first, each one shares the colour (35%), the shape (35%) or
// both colour and shape (15%, then it differs in size) of an earlier one, so
// every video holds distractors; about a third sit on the upper layer.
func newEntities(r *rand.Rand, n, width, height int) []entitySpec {
	minDim := float64(min(width, height))
	out := make([]entitySpec, 0, n)
	taken := func(e entitySpec) bool {
		for _, o := range out {
			if o.colour == e.colour && o.shape == e.shape && o.large == e.large {
				return true
			}
		}
		return false
	}
	for len(out) < n {
		e := entitySpec{colour: r.IntN(len(colours)), shape: r.IntN(len(shapes)), large: r.IntN(2) == 1}
		if len(out) > 0 {
			o := out[r.IntN(len(out))]
			switch p := r.Float64(); {
			case p < 0.35:
				e.colour = o.colour
			case p < 0.70:
				e.shape = o.shape
			case p < 0.85:
				e.colour, e.shape, e.large = o.colour, o.shape, !o.large
			}
		}
		if taken(e) {
			continue
		}
		if r.Float64() < 0.35 {
			e.layer = 1
		}
		e.radius = 0.065 * minDim
		if e.large {
			e.radius = 0.11 * minDim
		}
		out = append(out, e)
	}
	return out
}

// describe returns each entity's shortest unambiguous description: colour
// and shape, plus the size when another entity has the same colour and shape.
func describe(specs []entitySpec) []string {
	out := make([]string, len(specs))
	for i, e := range specs {
		out[i] = "the " + colours[e.colour].name + " " + shapes[e.shape].name
		for j, o := range specs {
			if j != i && o.colour == e.colour && o.shape == e.shape {
				out[i] = "the " + sizeName(e) + " " + colours[e.colour].name + " " + shapes[e.shape].name
			}
		}
	}
	return out
}

func sizeName(e entitySpec) string {
	if e.large {
		return sizeNames[1]
	}
	return sizeNames[0]
}

// bound is the entity's largest extent from its centre at full size.
func (e *entitySpec) bound() float64 { return e.radius * shapes[e.shape].radius }

// camera is the slow horizontal pan: x(t) = amp*sin(2*pi*t/(fps*period)+phase).
type camera struct {
	amp, period, phase, fps float64
}

func newCamera(r *rand.Rand, cfg Config) camera {
	c := camera{fps: cfg.FPS}
	pan := r.Float64() < 0.5
	switch cfg.Pan {
	case PanNever:
		pan = false
	case PanAlways:
		pan = true
	}
	if pan {
		c.amp = uniform(r, 0.06, 0.16) * float64(cfg.Width)
		c.period = uniform(r, 20, 45)
		c.phase = uniform(r, 0, 2*math.Pi)
	}
	return c
}

func (c camera) x(t int) float64 {
	if c.amp == 0 {
		return 0
	}
	return c.amp * math.Sin(2*math.Pi*float64(t)/(c.fps*c.period)+c.phase)
}
