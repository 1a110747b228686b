package diffusion

import (
	"context"
	"fmt"
	"math"

	"github.com/videodit/videodit/internal/nn"
)

// Options are the knobs of the early-step feature trajectory (paper Eq. 8,
// Table VI).
type Options struct {
	// Steps is S, the number of denoiser evaluations of the trajectory
	// (paper default 4).
	Steps int
	// Schedule gives (alpha, sigma) along the trajectory (paper default
	// cosine).
	Schedule Schedule
	// Start is the diffusion time the clip is noised to before the first
	// step, Tau0 the time of the last step, where the hidden states are
	// tapped (paper: 10% of the trajectory, 0.1). Both in (0, 1),
	// Start >= Tau0.
	Start, Tau0 float64
	// Guidance is the guidance scale GS: 1 runs one conditional pass per
	// step; otherwise each step also runs an unconditional pass (no mask,
	// no masked video, empty instruction) and uses
	// eps_u + GS (eps_c - eps_u).
	Guidance float64
	// Segments is K, the number of temporal noise segments (paper 12 for
	// T = 96); each gets its own noise draw, and temporal attention stays
	// within a segment and its Config.Window neighbours.
	Segments int
	// Jitter is the per-segment noise-level jitter (0: none).
	Jitter float64
	// Taps lists the blocks whose outputs at Tau0 are pooled (multi-scale
	// features); nil means every temporal (odd) block.
	Taps []int
	// Geometry appends the union mask's per-frame geometry (Geometry,
	// GeometryDim values: presence, area, centroid, box, motion) to the
	// pooled features that g_phi reads.
	Geometry bool
	// Entities is the number of entity slots whose own per-frame
	// features (EntityFeatures: geometry, colour and pairwise contact of
	// each track) follow the union's geometry; 0 for none. Only
	// EncodeTracks and PooledTracks see the tracks.
	Entities int
	// Seed drives the noise: the same seed gives the same features.
	Seed uint64
	// Progress, when not nil, is called after each denoiser pass with the
	// passes done and the total.
	Progress func(done, total int)
}

// DefaultOptions returns the paper's defaults: S = 4 on the cosine
// schedule from 0.5 down to tau_0 = 0.1, GS = 1, K = 12, no jitter, seed 1.
func DefaultOptions() Options {
	return Options{Steps: 4, Schedule: Cosine, Start: 0.5, Tau0: 0.1, Guidance: 1, Segments: 12, Seed: 1}
}

// taps returns the tapped blocks of a denoiser with n blocks.
func (o Options) taps(n int) ([]int, error) {
	if o.Taps == nil {
		var out []int
		for i := 1; i < n; i += 2 {
			out = append(out, i)
		}
		if len(out) == 0 {
			out = []int{n - 1}
		}
		return out, nil
	}
	for _, t := range o.Taps {
		if t < 0 || t >= n {
			return nil, fmt.Errorf("diffusion: tap %d: the denoiser has blocks 0..%d", t, n-1)
		}
	}
	if len(o.Taps) == 0 {
		return nil, fmt.Errorf("diffusion: no tapped block")
	}
	return o.Taps, nil
}

// validate checks the options.
func (o Options) validate() error {
	if err := o.Schedule.Validate(); err != nil {
		return err
	}
	if !(o.Guidance >= 0 && !math.IsInf(o.Guidance, 0)) {
		return fmt.Errorf("diffusion: guidance scale %v: want a finite value >= 0", o.Guidance)
	}
	if !(o.Jitter >= 0 && o.Jitter < 1) {
		return fmt.Errorf("diffusion: jitter %v: want [0, 1)", o.Jitter)
	}
	if o.Entities < 0 {
		return fmt.Errorf("diffusion: %d entity slots: want >= 0", o.Entities)
	}
	_, err := Steps(o.Steps, o.Start, o.Tau0)
	return err
}

// Trajectory runs the early-step trajectory of paper Eq. 8 on e and returns
// the hidden states of the tapped blocks at Tau0, each (Tt, P, D). The
// clip is noised to Start (one noise draw and, with Jitter, one level per
// temporal segment), then each of the S steps evaluates the denoiser
// (conditioned on the clip's mask, masked video and instruction; mixed with
// an unconditional pass when Guidance != 1) and, before the last, moves to
// the next time with a deterministic DDIM update
// x' = alpha' x0_hat + sigma' eps, x0_hat = (x - sigma eps)/alpha. The hidden
// states are those of the conditional pass at Tau0. ctx is checked between
// passes.
func (m *Denoiser) Trajectory(ctx context.Context, e nn.Exec, clip *Clip, instruction string, o Options) ([]nn.V, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	taps, err := o.taps(len(m.Blocks))
	if err != nil {
		return nil, err
	}
	c := m.Config
	tp := clip.Frames.Shape()[0]
	tt := tp / c.Tubelet
	segLen, segTok, err := c.segmentation(tp, o.Segments)
	if err != nil {
		return nil, err
	}
	nseg := (tp + segLen - 1) / segLen
	times, _ := Steps(o.Steps, o.Start, o.Tau0)
	// Per-segment offsets (jitter) are drawn once and kept along the
	// trajectory.
	offsets, err := SegmentLevels(o.Seed, nseg, 0.5, o.Jitter, 0, 1)
	if err != nil {
		return nil, err
	}
	segTimes := func(tau float64) []float64 {
		out := make([]float64, nseg)
		for j, off := range offsets {
			out[j] = math.Min(0.999, math.Max(0.001, tau+off-0.5))
		}
		return out
	}
	eps0, err := SegmentNoise(o.Seed, segLen, clip.Frames.Shape()...)
	if err != nil {
		return nil, err
	}
	x0 := segTimes(times[0])
	noisy, err := AddNoise(o.Schedule, clip.Frames, eps0, FrameLevels(x0, tp, segLen))
	if err != nil {
		return nil, err
	}
	x := c.patchify(e, e.Const(noisy))
	cond := c.condition(e, clip)
	text := m.instruction().EmbedInstruction(e, instruction)
	passes := o.Steps
	if o.Guidance != 1 {
		passes *= 2
	}
	done := 0
	report := func() error {
		done++
		if o.Progress != nil {
			o.Progress(done, passes)
		}
		if err := e.Err(); err != nil {
			return err
		}
		return ctx.Err()
	}
	for i, tau := range times {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		levels, err := c.tubeletLevels(o.Schedule, segTimes(tau), tt, segTok)
		if err != nil {
			return nil, err
		}
		eps, hidden := m.Forward(e, Pass{Noisy: x, Cond: cond, Levels: levels, Text: text, SegTokens: segTok})
		if err := report(); err != nil {
			return nil, err
		}
		if o.Guidance != 1 {
			epsU, _ := m.Forward(e, Pass{Noisy: x, Cond: zerosLike(e, cond), Levels: levels, Text: zerosLike(e, text), SegTokens: segTok})
			eps = e.Add(epsU, e.Scale(e.Sub(eps, epsU), float32(o.Guidance)))
			if err := report(); err != nil {
				return nil, err
			}
		}
		if i == len(times)-1 {
			out := make([]nn.V, len(taps))
			for k, t := range taps {
				out[k] = hidden[t]
			}
			return out, nil
		}
		next, err := c.tubeletLevels(o.Schedule, segTimes(times[i+1]), tt, segTok)
		if err != nil {
			return nil, err
		}
		// x' = (a'/a) x + (s' - a' s / a) eps, per tubelet.
		cx, ce := make([]float32, tt), make([]float32, tt)
		for j := range tt {
			a, s, a2, s2 := levels[j].Alpha, levels[j].Sigma, next[j].Alpha, next[j].Sigma
			cx[j], ce[j] = float32(a2/a), float32(s2-a2*s/a)
		}
		x = e.Add(e.Mul(x, e.Const(dense(cx, tt, 1, 1))), e.Mul(eps, e.Const(dense(ce, tt, 1, 1))))
	}
	return nil, fmt.Errorf("diffusion: empty trajectory")
}

// Pool pools tapped hidden states per frame (paper Eq. 9's Pool): for each
// tap, shape (Tt, P, D), frame t reads tubelet t/Tubelet and yields the mean
// over all P positions and the mean over the positions inside M_t, weighted
// by clip.Inside (the fraction of each patch inside the mask; zero when the
// mask is empty). The result is (T, 2*len(hidden)*D), per tap [all, inside],
// taps in order; padded frames are dropped.
func (c Config) Pool(e nn.Exec, hidden []nn.V, clip *Clip) nn.V {
	tp := clip.Frames.Shape()[0]
	ids := make([]int, tp)
	for i := range ids {
		ids[i] = i / c.Tubelet
	}
	np := c.Tokens()
	var parts []nn.V
	for _, h := range hidden {
		d := h.Shape()[len(h.Shape())-1]
		tt := h.Shape()[0]
		rows := e.Gather(e.Reshape(h, tt, np*d), ids) // (Tp, P*D)
		perFrame := e.Reshape(rows, tp, np, d)
		parts = append(parts, nn.MeanPool(e, perFrame, 1, nil), nn.MeanPool(e, perFrame, 1, clip.Inside))
	}
	return e.Slice(e.Concat(1, parts...), 0, 0, clip.T)
}
