package segment

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Options tune the default Segmenter. Start from DefaultOptions: the zero
// Options are invalid (K = 0).
type Options struct {
	// Tau is the detection threshold tau_i of every phrase without its own
	// (Step 2), in [0,1].
	Tau float64
	// PhraseTau holds per-phrase thresholds tau_i, by Phrase.Text, in
	// [0,1]. A phrase absent here takes the detector's threshold when the
	// detector is a Thresholder, else Tau.
	PhraseTau map[string]float64
	// K is the persistence of Eq. 4: tracking starts at the first frame
	// opening K consecutive gated frames. At least 1.
	K int
	// MinSpan is L of Step 5: when positive, the Result carries the
	// longest run of gated frames of at least MinSpan frames. 0 turns span
	// extraction off.
	MinSpan int
	// ReseedIoU, in [0,1]: after Start, a propagated mask whose IoU with
	// the best-agreeing valid detection of its phrase falls below ReseedIoU
	// is replaced by a detection. 0 turns this check off.
	ReseedIoU float64
	// AreaDrift, at least 0: a propagated mask whose area differs from the
	// area of its last seed by more than this fraction is replaced by a
	// detection, when the frame has a valid one. 0 turns this check off.
	AreaDrift float64
	// Lost, at least 0: after Start, a track whose phrase has no valid
	// detection for Lost or more consecutive frames is taken to have left
	// the scene there, and its masks over that run are emptied (the union
	// M_t follows); the tracker's propagation resumes, and re-seeding
	// applies, when the phrase is detected again. 0 keeps every propagated
	// mask (the track never ends).
	Lost int
	// Progress, when set, is called as each stage ends ("parse", "detect",
	// "track") with the number of stages done and the total (3).
	Progress func(stage string, done, total int)
}

// DefaultOptions are tau = 0.5 for every phrase, K = 3, no span, re-seeding
// below IoU 0.3 or beyond 50% area change.
func DefaultOptions() Options {
	return Options{Tau: 0.5, K: 3, ReseedIoU: 0.3, AreaDrift: 0.5}
}

func (o Options) check() error {
	if err := checkTau(o.Tau); err != nil {
		return fmt.Errorf("segment: option Tau: %w", err)
	}
	for text, tau := range o.PhraseTau {
		if err := checkTau(tau); err != nil {
			return fmt.Errorf("segment: option PhraseTau[%q]: %w", text, err)
		}
	}
	if o.K < 1 {
		return fmt.Errorf("segment: option K = %d, want >= 1", o.K)
	}
	if o.MinSpan < 0 {
		return fmt.Errorf("segment: option MinSpan = %d, want >= 0", o.MinSpan)
	}
	if math.IsNaN(o.ReseedIoU) || o.ReseedIoU < 0 || o.ReseedIoU > 1 {
		return fmt.Errorf("segment: option ReseedIoU = %v, want in [0,1]", o.ReseedIoU)
	}
	if math.IsNaN(o.AreaDrift) || o.AreaDrift < 0 || math.IsInf(o.AreaDrift, 0) {
		return fmt.Errorf("segment: option AreaDrift = %v, want finite and >= 0", o.AreaDrift)
	}
	if o.Lost < 0 {
		return fmt.Errorf("segment: option Lost = %d, want >= 0", o.Lost)
	}
	return nil
}

// Pipeline is the default Segmenter: a Parser, a Detector and a Tracker
// composed as paper section III-A prescribes (see Segment).
type Pipeline struct {
	parser   Parser
	detector Detector
	tracker  Tracker
	opts     Options
}

var _ Segmenter = (*Pipeline)(nil)

// New composes a Pipeline. A nil parser is a new ProseParser, a nil
// tracker a FlowTracker; the detector is required. Invalid options are an
// error.
func New(parser Parser, detector Detector, tracker Tracker, opts Options) (*Pipeline, error) {
	if detector == nil {
		return nil, fmt.Errorf("segment: New needs a Detector")
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	if parser == nil {
		p, err := NewProseParser()
		if err != nil {
			return nil, err
		}
		parser = p
	}
	if tracker == nil {
		tracker = &FlowTracker{}
	}
	pt := make(map[string]float64, len(opts.PhraseTau))
	for k, v := range opts.PhraseTau {
		pt[k] = v
	}
	opts.PhraseTau = pt
	return &Pipeline{parser: parser, detector: detector, tracker: tracker, opts: opts}, nil
}

// Segment implements Segmenter:
//  1. parse the query into phrases (Eq. 1);
//  2. detect every phrase in every frame and keep the best proposal
//     (Eq. 2); a phrase with no valid detection (score >= tau_i) in any
//     frame is dropped and reported in Result.Dropped;
//  3. gate the kept phrases (Eq. 3) and find the start t_s with
//     persistence K (Eq. 4);
//  4. seed each phrase's mask with its best proposal at t_s and propagate
//     it with the Tracker (Eq. 5); after each step, a mask that drifted
//     (Options.ReseedIoU, Options.AreaDrift) is replaced by the valid
//     detection of its phrase that overlaps it most, or by the best one
//     when none overlaps;
//  5. form the union masks (Eq. 6) and, when Options.MinSpan > 0, the
//     longest gated span (Step 5).
//
// Besides the errors listed on Segmenter, a detector or tracker error,
// a detection with a NaN score, a score outside [0,1] or a mask of another
// size than the frames, and a threshold outside [0,1] are errors naming
// the phrase and frame.
func (p *Pipeline) Segment(ctx context.Context, v Video, query string) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("segment: segmenting %q: internal error: %v", query, r)
		}
	}()
	if strings.TrimSpace(query) == "" {
		return nil, fmt.Errorf("segmenting %q: %w", query, ErrEmptyQuery)
	}
	c, err := readClip(v.Frames)
	if err != nil {
		return nil, fmt.Errorf("segmenting %q: %w", query, err)
	}
	if err := checkTimes(v.Times, c.t); err != nil {
		return nil, fmt.Errorf("segmenting %q: %w", query, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("segmenting %q: %w", query, err)
	}
	phrases, err := p.parser.Parse(query)
	if err != nil {
		return nil, fmt.Errorf("segment: parsing %q: %w", query, err)
	}
	if len(phrases) == 0 {
		return nil, fmt.Errorf("segmenting %q: %w", query, ErrNoPhrase)
	}
	p.progress("parse", 1)
	taus, err := p.thresholds(phrases)
	if err != nil {
		return nil, err
	}
	props, err := p.detector.Detect(ctx, v.Frames, phrases)
	if err != nil {
		return nil, fmt.Errorf("segment: detecting %q: %w", query, err)
	}
	if err := checkProposals(props, phrases, c); err != nil {
		return nil, err
	}
	p.progress("detect", 2)

	res = &Result{Start: -1}
	var kept []int
	var tracks []Track
	var valids [][]bool
	for i, ph := range phrases {
		scores := make([]float64, c.t)
		for t, ps := range props[i] {
			if b, ok := Best(ps); ok {
				scores[t] = b.Score
			}
		}
		valid, err := Valid(scores, taus[i])
		if err != nil {
			return nil, fmt.Errorf("segment: phrase %q: %w", ph.Text, err)
		}
		if !anyTrue(valid) {
			res.Dropped = append(res.Dropped, ph)
			continue
		}
		kept = append(kept, i)
		valids = append(valids, valid)
		tracks = append(tracks, Track{Phrase: ph, Tau: taus[i], Scores: scores, Valid: valid, Start: -1})
	}
	res.Gate = make([]bool, c.t)
	if len(kept) > 0 {
		if res.Gate, err = Gate(valids); err != nil {
			return nil, err
		}
	}
	start, started := PersistentStart(res.Gate, p.opts.K)
	for i := range tracks {
		tracks[i].Masks = make([]Mask, c.t)
		for t := range tracks[i].Masks {
			tracks[i].Masks[t] = NewMask(c.w, c.h)
		}
	}
	if started && len(kept) > 0 {
		res.Start = start
		if err := p.track(ctx, v, c, start, kept, props, taus, tracks); err != nil {
			return nil, err
		}
		if p.opts.Lost > 0 {
			for i := range tracks {
				hideLost(&tracks[i], start, p.opts.Lost, c.w, c.h)
			}
		}
	}
	p.progress("track", 3)
	res.Tracks = tracks
	res.Union = make([]Mask, c.t)
	for t := range res.Union {
		ms := make([]Mask, len(tracks))
		for i, tr := range tracks {
			ms[i] = tr.Masks[t]
		}
		if res.Union[t], err = Union(ms); err != nil {
			return nil, err
		}
		if len(ms) == 0 {
			res.Union[t] = NewMask(c.w, c.h)
		}
	}
	if p.opts.MinSpan > 0 {
		if s, e, ok := LongestRun(res.Gate, p.opts.MinSpan); ok {
			res.Span = &Span{Start: s, End: e, StartSec: timeOf(v.Times, s), EndSec: timeOf(v.Times, e)}
		}
	}
	return res, nil
}

func (p *Pipeline) progress(stage string, done int) {
	if p.opts.Progress != nil {
		p.opts.Progress(stage, done, 3)
	}
}

func anyTrue(v []bool) bool {
	for _, b := range v {
		if b {
			return true
		}
	}
	return false
}

// timeOf is the time of frame t in seconds: times[t], or t without times.
func timeOf(times []float64, t int) float64 {
	if times == nil {
		return float64(t)
	}
	return times[t]
}

// thresholds returns tau_i of every phrase (Options.PhraseTau, else the
// detector's Thresholder, else Options.Tau).
func (p *Pipeline) thresholds(phrases []Phrase) ([]float64, error) {
	th, isTh := p.detector.(Thresholder)
	taus := make([]float64, len(phrases))
	for i, ph := range phrases {
		tau, ok := p.opts.PhraseTau[ph.Text]
		switch {
		case ok:
		case isTh:
			tau = th.Threshold(ph)
		default:
			tau = p.opts.Tau
		}
		if err := checkTau(tau); err != nil {
			return nil, fmt.Errorf("segment: threshold of phrase %q: %w", ph.Text, err)
		}
		taus[i] = tau
	}
	return taus, nil
}

// checkProposals checks a detector's answer: one list per phrase, one
// entry per frame, masks of the frames' size, scores in [0,1].
func checkProposals(props [][][]Proposal, phrases []Phrase, c clip) error {
	if len(props) != len(phrases) {
		return fmt.Errorf("segment: detector returned %d phrase lists for %d phrases", len(props), len(phrases))
	}
	for i, pp := range props {
		if len(pp) != c.t {
			return fmt.Errorf("segment: detector returned %d frames for phrase %q, video has %d", len(pp), phrases[i].Text, c.t)
		}
		for t, ps := range pp {
			for k, pr := range ps {
				if math.IsNaN(pr.Score) || pr.Score < 0 || pr.Score > 1 {
					return fmt.Errorf("segment: detector scored proposal %d of phrase %q in frame %d %v, want a number in [0,1]", k, phrases[i].Text, t, pr.Score)
				}
				if pr.Mask.Width() != c.w || pr.Mask.Height() != c.h {
					return fmt.Errorf("segment: detector's mask %d of phrase %q in frame %d is %dx%d, frames are %dx%d",
						k, phrases[i].Text, t, pr.Mask.Width(), pr.Mask.Height(), c.w, c.h)
				}
			}
		}
	}
	return nil
}

// track seeds and propagates the kept phrases' masks from start, filling
// tracks[j].Masks, Start and Reseeds.
func (p *Pipeline) track(ctx context.Context, v Video, c clip, start int, kept []int, props [][][]Proposal,
	taus []float64, tracks []Track) error {
	seeds := make([]Mask, len(kept))
	refArea := make([]int, len(kept))
	for j, i := range kept {
		b, _ := Best(props[i][start])
		seeds[j] = b.Mask
		refArea[j] = b.Mask.Area()
	}
	reseed := func(t int, masks []Mask) []Mask {
		out := append([]Mask(nil), masks...)
		for j, i := range kept {
			cand, iou, ok := agreeing(props[i][t], taus[i], masks[j])
			if !ok {
				continue
			}
			area := masks[j].Area()
			drift := area == 0 ||
				(p.opts.ReseedIoU > 0 && iou < p.opts.ReseedIoU) ||
				(p.opts.AreaDrift > 0 && refArea[j] > 0 &&
					math.Abs(float64(area)/float64(refArea[j])-1) > p.opts.AreaDrift)
			if drift {
				out[j] = cand.Mask
				refArea[j] = cand.Mask.Area()
				tracks[j].Reseeds = append(tracks[j].Reseeds, t)
			}
		}
		return out
	}
	out, err := p.tracker.Track(ctx, v.Frames, start, seeds, reseed)
	if err != nil {
		return fmt.Errorf("segment: tracking from frame %d: %w", start, err)
	}
	if len(out) != len(kept) {
		return fmt.Errorf("segment: tracker returned %d tracks for %d seeds", len(out), len(kept))
	}
	for j := range kept {
		if len(out[j]) != c.t-start {
			return fmt.Errorf("segment: tracker returned %d masks for track %d, want %d", len(out[j]), j, c.t-start)
		}
		tracks[j].Start = start
		for k, m := range out[j] {
			if m.Width() != c.w || m.Height() != c.h {
				return fmt.Errorf("segment: tracker's mask of track %d at frame %d is %dx%d, frames are %dx%d",
					j, start+k, m.Width(), m.Height(), c.w, c.h)
			}
			tracks[j].Masks[start+k] = m
		}
	}
	return nil
}

// hideLost empties tr's masks over every run of at least lost consecutive
// frames from start on where its phrase has no valid detection.
func hideLost(tr *Track, start, lost, w, h int) {
	run := 0
	for t := start; t <= len(tr.Valid); t++ {
		if t < len(tr.Valid) && !tr.Valid[t] {
			run++
			continue
		}
		if run >= lost {
			for k := t - run; k < t; k++ {
				tr.Masks[k] = NewMask(w, h)
			}
		}
		run = 0
	}
}

// agreeing picks, among the valid proposals (score >= tau), the one that
// overlaps m most (ties to the higher score, then the earlier); when none
// overlaps, the best-scoring one (Eq. 2). It returns the proposal, its IoU
// with m, and false when no proposal is valid.
func agreeing(props []Proposal, tau float64, m Mask) (Proposal, float64, bool) {
	var best, top Proposal
	bestIoU, found := -1.0, false
	for _, pr := range props {
		if pr.Score < tau {
			continue
		}
		iou, err := m.IoU(pr.Mask)
		if err != nil {
			continue
		}
		if !found || pr.Score > top.Score {
			top = pr
		}
		if !found || iou > bestIoU || (iou == bestIoU && pr.Score > best.Score) {
			best, bestIoU = pr, iou
		}
		found = true
	}
	if !found {
		return Proposal{}, 0, false
	}
	if bestIoU == 0 {
		return top, 0, true
	}
	return best, bestIoU, true
}
