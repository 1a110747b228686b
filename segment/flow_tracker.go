package segment

import (
	"context"
	"fmt"

	"gorgonia.org/tensor"
)

// FlowTracker is the default Tracker. It follows each mask by its motion
// between consecutive frames, an affine map (translation, rotation,
// scaling, shear) found by aligning the mask's pixels, plus a 1-pixel ring
// of surroundings, with the next frame directly (Gauss-Newton, coarse to
// fine over an image pyramid, robust weights so occluded or changed pixels
// count little). The alignment starts from the last frame's motion and,
// when that aligns poorly, also from the motion fitted to dense optical
// flow between the two frames (pyramidal Lucas-Kanade, coarse to fine,
// iterated with warping, on all three colour channels, flat regions taking
// the flow of their surroundings); the better alignment wins. The composed
// motion is then corrected against the seed frame itself (the seed's
// pixels aligned with the current frame), which removes the drift of
// chained frame-to-frame estimates while the seed's appearance holds. The
// mask at each frame is the seed mask moved by the composed motion (read
// bilinearly, thresholded at 0.5: binary, no blur and no sub-pixel rounding
// accumulate), so it keeps the seed's shape up to an affine map: non-rigid
// change and occlusion are left to re-seeding (see Reseed). Pure Go; image
// work on large frames is spread over all CPUs.
//
// The zero FlowTracker is ready to use with the defaults below.
type FlowTracker struct {
	// Levels is the number of pyramid levels (default 4); levels whose
	// side would fall under 8 pixels are skipped. Each level doubles the
	// largest motion the tracker follows, about Radius pixels at the
	// coarsest level.
	Levels int
	// Radius is the half-width of the Lucas-Kanade window (default 3: 7 x 7).
	Radius int
	// Iterations is the number of warping iterations per level (default 4).
	Iterations int
}

var _ Tracker = (*FlowTracker)(nil)

// goodAlignment is the mean robust alignment loss (see refineMotion) below
// which the constant-velocity prediction is kept without consulting the
// dense flow.
const goodAlignment = 0.05

func (ft *FlowTracker) params() flowParams {
	p := flowParams{levels: 4, radius: 3, iters: 4, lambda: 1e-6, confidence: 1e-4}
	if ft.Levels > 0 {
		p.levels = ft.Levels
	}
	if ft.Radius > 0 {
		p.radius = ft.Radius
	}
	if ft.Iterations > 0 {
		p.iters = ft.Iterations
	}
	return p
}

// Track implements Tracker (Eq. 5). frames is (T,H,W,3) float32 in [0,1].
func (ft *FlowTracker) Track(ctx context.Context, frames *tensor.Dense, start int, seeds []Mask, reseed Reseed) ([][]Mask, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("segment: tracking: %w", err)
	}
	c, err := readClip(frames)
	if err != nil {
		return nil, fmt.Errorf("segment: tracking: %w", err)
	}
	if err := checkSeeds(c, start, seeds); err != nil {
		return nil, err
	}
	p := ft.params()
	out := make([][]Mask, len(seeds))
	cur := make([]Mask, len(seeds))
	from := make([]Mask, len(seeds))       // the mask each entity was last seeded with
	moved := make([]affine, len(seeds))    // its motion since then
	last := make([]affine, len(seeds))     // its motion over the last frame
	seedPyr := make([][]image, len(seeds)) // the frame it was seeded in
	for i, s := range seeds {
		out[i] = make([]Mask, 0, c.t-start)
		out[i] = append(out[i], s.Clone())
		cur[i], from[i], moved[i], last[i] = s, s, identity, identity
	}
	pyr := func(t int) []image { return pyramid(image{w: c.w, h: c.h, px: c.frame(t)}, p.levels, 8) }
	prev := pyr(start)
	for i := range seedPyr {
		seedPyr[i] = prev
	}
	for t := start + 1; t < c.t; t++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("segment: tracking at frame %d: %w", t, err)
		}
		next := pyr(t)
		// The dense flow is computed at most once per frame, when an
		// entity needs it. The backward estimator run from next to prev
		// gives, at every pixel x of prev, the displacement to next: the
		// forward flow.
		var g field
		var conf []float32
		denseFlow := func() {
			if conf == nil {
				g, conf = backwardFlow(next, prev, p)
			}
		}
		levels := make([]alignLevel, min(len(next), maxAlignLevel+1))
		for l := range levels {
			gx, gy := gradients(next[l])
			levels[l] = alignLevel{prev: prev[l], next: next[l], gx: gx, gy: gy}
		}
		for i := range cur {
			if cur[i].Area() == 0 {
				continue
			}
			// Two starting points: the last frame's motion (constant
			// velocity) and, unless that aligns well already, the fit to
			// the dense flow; the better alignment wins.
			step, loss := refineMotion(levels, cur[i], last[i])
			if loss > goodAlignment {
				denseFlow()
				if s2, l2 := refineMotion(levels, cur[i], fitMotion(cur[i], g, conf)); l2 < loss {
					step = s2
				}
			}
			last[i] = step
			pred := moved[i].then(step)
			// Drift correction: align the seed's own pixels, as they
			// looked in the seed frame, with this frame; keep the
			// correction when it is small (the seed's appearance still
			// holds), else the frame-to-frame estimate.
			fromSeed := make([]alignLevel, len(levels))
			for l, lv := range levels {
				fromSeed[l] = alignLevel{prev: seedPyr[i][l], next: lv.next, gx: lv.gx, gy: lv.gy}
			}
			if corr, _ := refineMotion(fromSeed, from[i], pred); agreeWithin(corr, pred, from[i], 2) {
				pred = corr
			}
			moved[i] = pred
			cur[i] = warpAffine(from[i], moved[i])
		}
		fixed, err := applyReseed(reseed, t, cur, c)
		if err != nil {
			return nil, err
		}
		for i, m := range fixed {
			if !m.Equal(cur[i]) {
				from[i], moved[i], last[i], seedPyr[i] = m.Clone(), identity, identity, next
			}
			cur[i] = m
			out[i] = append(out[i], m.Clone())
		}
		prev = next
	}
	return out, nil
}

// checkSeeds checks a Tracker's start frame and seed masks against the clip.
func checkSeeds(c clip, start int, seeds []Mask) error {
	if start < 0 || start >= c.t {
		return fmt.Errorf("segment: tracking from frame %d of a %d-frame video", start, c.t)
	}
	for i, s := range seeds {
		if s.Width() != c.w || s.Height() != c.h {
			return fmt.Errorf("segment: seed %d is %dx%d, frames are %dx%d", i, s.Width(), s.Height(), c.w, c.h)
		}
	}
	return nil
}

// applyReseed calls reseed (when set) and checks what it returns.
func applyReseed(reseed Reseed, t int, cur []Mask, c clip) ([]Mask, error) {
	if reseed == nil {
		return cur, nil
	}
	got := reseed(t, cur)
	if len(got) != len(cur) {
		return nil, fmt.Errorf("segment: reseed at frame %d returned %d masks for %d", t, len(got), len(cur))
	}
	for i, m := range got {
		if m.Width() != c.w || m.Height() != c.h {
			return nil, fmt.Errorf("segment: reseed at frame %d returned mask %d of %dx%d, frames are %dx%d", t, i, m.Width(), m.Height(), c.w, c.h)
		}
	}
	return got, nil
}
