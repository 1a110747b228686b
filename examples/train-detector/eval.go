package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/learneddet"
)

// evalOptions are the evaluation's settings.
type evalOptions struct {
	weights                     string
	score                       string
	seed                        uint64
	videos, stride, trackVideos int
}

// report is the JSON the evaluation prints.
type report struct {
	Weights  string `json:"weights"`
	EvalSeed uint64 `json:"eval_seed"`
	Score    string `json:"score"`
	Videos   int    `json:"videos"`
	Frames   int    `json:"frames"`
	// MaskIoU is the mean mask IoU of the positive phrases (each visible
	// entity's shortest unambiguous phrase; a missing proposal scores 0),
	// at the benchmark's 128x128.
	MaskIoU   float64 `json:"mask_iou"`
	Positives int     `json:"positives"`
	// Retrieval: for each positive phrase, the true phrase and up to 4
	// distractors sharing its colour or its shape that name nothing
	// visible; correct when the true phrase scores strictly highest.
	Retrieval struct {
		Trials   int     `json:"trials"`
		Accuracy float64 `json:"accuracy"`
		// Pairwise: how often the true phrase scores strictly above one
		// distractor of the same colour (another shape), or of the same
		// shape (another colour).
		SameColour float64 `json:"pairwise_same_colour"`
		SameShape  float64 `json:"pairwise_same_shape"`
	} `json:"retrieval"`
	// Presence: positives and distractors classified by score >= tau.
	Presence struct {
		Threshold float64 `json:"threshold"`
		Phrases   int     `json:"phrases"`
		Accuracy  float64 `json:"accuracy"`
		// Balanced is the mean of the accuracies on positives and on
		// distractors (there are 4 distractors per positive).
		Balanced float64 `json:"balanced_accuracy"`
		AUC      float64 `json:"auc"`
		// BestThreshold maximises the balanced accuracy (BestBalanced) on
		// these phrases: run on training videos (-eval-seed 1) to choose
		// the threshold a checkpoint ships with, never on the held-out
		// seed.
		BestThreshold float64 `json:"best_threshold"`
		BestBalanced  float64 `json:"best_balanced_accuracy"`
	} `json:"presence"`
	// Tracking: the full segment.Pipeline (this detector + FlowTracker,
	// default options, K = 1) once per entity with its description as the
	// only phrase, over whole held-out videos of the default benchmark
	// (10-40 s, 8 fps); mean IoU from the start frame to the end (an
	// empty prediction where the truth is empty counts 1).
	Tracking struct {
		Videos    int     `json:"videos"`
		Entities  int     `json:"entities"`
		Tracked   int     `json:"tracked"`
		Frames    int     `json:"frames"`
		MeanIoU   float64 `json:"mean_iou"`
		Reseeds   int     `json:"reseeds"`
		NoStart   int     `json:"no_start"`
		AllFrames float64 `json:"mean_iou_all_frames"`
	} `json:"tracking"`
	Seconds float64 `json:"seconds"`
}

// evaluate scores a checkpoint on the held-out split and prints the report.
func evaluate(ctx context.Context, o evalOptions, out, log io.Writer) error {
	t0 := time.Now()
	var det *learneddet.Detector
	var err error
	if o.weights == "" {
		det, err = learneddet.Load(ctx)
	} else {
		det, err = learneddet.LoadDir(ctx, o.weights)
	}
	if err != nil {
		return err
	}
	if o.score != "" {
		if err := det.Model().SetScore(o.score); err != nil {
			return err
		}
	}
	var r report
	r.Score = det.Model().Config().Score
	if r.Score == "" {
		r.Score = learneddet.ScorePresence
	}
	r.Weights, r.EvalSeed = o.weights, o.seed
	if r.Weights == "" {
		r.Weights = "embedded"
	}
	tau := det.Threshold(segment.Phrase{})
	r.Presence.Threshold = tau
	rng := rand.New(rand.NewPCG(o.seed, 99))
	var iouSum float64
	var scored []scoredPhrase
	correct := 0
	var pairs, pairWins [2]int // [same shape, same colour]
	for i := range o.videos {
		v, err := synth.Generate(genConfig("heldout", 4, 12), o.seed, i)
		if err != nil {
			return err
		}
		r.Videos++
		for t := 0; t < v.Meta.Frames; t += o.stride {
			f, ok, err := render(v, t)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			r.Frames++
			frames := tensor.New(tensor.WithShape(1, f.h, f.w, 3), tensor.WithBacking(f.pixels))
			for _, e := range f.visible() {
				q := unambiguous(f, e)
				cands := append([]query{q}, distractors(rng, f, q)...)
				phrases := make([]segment.Phrase, len(cands))
				for k, c := range cands {
					phrases[k] = segment.Phrase{Text: c.text(), Head: c.shape}
				}
				props, err := det.Detect(ctx, frames, phrases)
				if err != nil {
					return err
				}
				truth, _ := f.target(q)
				iouSum += iou(props[0][0], truth, f.w, f.h)
				r.Positives++
				best := true
				s0 := score(props[0][0])
				for k := range cands {
					s := score(props[k][0])
					scored = append(scored, scoredPhrase{s, k == 0})
					if k > 0 && s >= s0 {
						best = false
					}
					if k > 0 {
						kind := boolI(cands[k].colour == q.colour)
						pairs[kind]++
						pairWins[kind] += boolI(s < s0)
					}
				}
				if len(cands) > 1 {
					r.Retrieval.Trials++
					if best {
						correct++
					}
				}
			}
		}
		fmt.Fprintf(log, "detection: video %d/%d, %d frames, %d positives\n", i+1, o.videos, r.Frames, r.Positives)
	}
	r.MaskIoU = iouSum / float64(max(r.Positives, 1))
	r.Retrieval.Accuracy = float64(correct) / float64(max(r.Retrieval.Trials, 1))
	r.Retrieval.SameShape = float64(pairWins[0]) / float64(max(pairs[0], 1))
	r.Retrieval.SameColour = float64(pairWins[1]) / float64(max(pairs[1], 1))
	r.Presence.Phrases = len(scored)
	r.Presence.Accuracy, r.Presence.Balanced, r.Presence.AUC = presenceStats(scored, tau)
	r.Presence.BestThreshold, r.Presence.BestBalanced = bestThreshold(scored)

	if err := evalTracking(ctx, det, o, &r, log); err != nil {
		return err
	}
	r.Seconds = time.Since(t0).Seconds()
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "%s\n", b)
	return err
}

// unambiguous is entity e's shortest phrase naming it alone among the
// frame's entities with their current colours: colour and shape, plus the
// size when another entity shares both.
func unambiguous(f *frame, e int) query {
	ent := f.ents[e]
	q := query{colour: ent.colour, shape: ent.shape}
	for j, o := range f.ents {
		if j != e && q.matches(o) {
			q.size = ent.size
		}
	}
	return q
}

// distractors returns up to 4 phrases sharing q's colour or shape (two of
// each kind) that name nothing visible in f.
func distractors(rng *rand.Rand, f *frame, q query) []query {
	var same []query
	for _, s := range synth.Shapes() {
		if s != q.shape {
			same = append(same, query{size: q.size, colour: q.colour, shape: s})
		}
	}
	var other []query
	for _, c := range synth.Colours() {
		if c != q.colour {
			other = append(other, query{size: q.size, colour: c, shape: q.shape})
		}
	}
	var out []query
	for _, pool := range [][]query{same, other} {
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		n := 0
		for _, d := range pool {
			if _, area := f.target(d); area == 0 && n < 2 {
				out = append(out, d)
				n++
			}
		}
	}
	return out
}

// score is the best proposal's score, 0 when there is none.
func score(props []segment.Proposal) float64 {
	if b, ok := segment.Best(props); ok {
		return b.Score
	}
	return 0
}

// iou is the IoU of the best proposal's mask (empty when none) with the
// true mask.
func iou(props []segment.Proposal, truth []bool, w, h int) float64 {
	pred := segment.NewMask(w, h)
	if b, ok := segment.Best(props); ok {
		pred = b.Mask
	}
	v, _ := pred.IoU(maskOf(truth, w, h))
	return v
}

// maskOf converts a row-major boolean mask.
func maskOf(b []bool, w, h int) segment.Mask {
	m := segment.NewMask(w, h)
	for i, on := range b {
		if on {
			m.Set(i%w, i/w, true)
		}
	}
	return m
}

type scoredPhrase struct {
	score    float64
	positive bool
}

// presenceStats returns the accuracy and the balanced accuracy (mean of
// the accuracies on positives and on negatives) of score >= tau as the
// presence decision, and the ROC AUC of the scores (ties count half).
func presenceStats(s []scoredPhrase, tau float64) (acc, balanced, auc float64) {
	if len(s) == 0 {
		return 0, 0, 0
	}
	ok, pos, neg, okPos, okNeg := 0, 0, 0, 0, 0
	for _, p := range s {
		right := (p.score >= tau) == p.positive
		if right {
			ok++
		}
		if p.positive {
			pos++
			okPos += boolI(right)
		} else {
			neg++
			okNeg += boolI(right)
		}
	}
	balanced = (float64(okPos)/float64(max(pos, 1)) + float64(okNeg)/float64(max(neg, 1))) / 2
	sorted := slices.Clone(s)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].score < sorted[j].score })
	// Mann-Whitney U with average ranks for ties.
	var rankSum float64
	for i := 0; i < len(sorted); {
		j := i
		for j < len(sorted) && sorted[j].score == sorted[i].score {
			j++
		}
		avg := float64(i+j+1) / 2
		for k := i; k < j; k++ {
			if sorted[k].positive {
				rankSum += avg
			}
		}
		i = j
	}
	if pos > 0 && neg > 0 {
		auc = (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
	}
	return float64(ok) / float64(len(s)), balanced, auc
}

func boolI(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bestThreshold returns the threshold tau in {0.01, ..., 0.99} whose
// decision score >= tau has the highest balanced accuracy (the lowest tau
// on ties), and that balanced accuracy.
func bestThreshold(s []scoredPhrase) (tau, balanced float64) {
	best := -1.0
	for i := 1; i < 100; i++ {
		t := float64(i) / 100
		_, a, _ := presenceStats(s, t)
		if a > best {
			best, tau = a, t
		}
	}
	return tau, max(best, 0)
}

// cached is a segment.Detector answering from detections computed once
// per video for every phrase of interest.
type cached struct {
	props map[string][][]segment.Proposal
}

func (c *cached) Detect(ctx context.Context, frames *tensor.Dense, phrases []segment.Phrase) ([][][]segment.Proposal, error) {
	out := make([][][]segment.Proposal, len(phrases))
	for i, p := range phrases {
		pp, ok := c.props[p.Text]
		if !ok {
			return nil, fmt.Errorf("phrase %q was not detected in advance", p.Text)
		}
		out[i] = pp
	}
	return out, nil
}

// evalTracking runs the full pipeline per entity over held-out videos.
func evalTracking(ctx context.Context, det *learneddet.Detector, o evalOptions, r *report, log io.Writer) error {
	var sum, all float64
	allN := 0
	for i := range o.trackVideos {
		v, err := synth.Generate(synth.Config{Split: "heldout"}, o.seed+1, i)
		if err != nil {
			return err
		}
		frames, truth, err := videoTensor(v)
		if err != nil {
			return err
		}
		var phrases []segment.Phrase
		for _, e := range v.Meta.Entities {
			phrases = append(phrases, segment.Phrase{Text: strings.TrimPrefix(e.Description, "the "), Head: e.Shape})
		}
		props, err := det.Detect(ctx, frames, phrases)
		if err != nil {
			return err
		}
		c := &cached{props: map[string][][]segment.Proposal{}}
		for k, p := range phrases {
			c.props[p.Text] = props[k]
		}
		r.Tracking.Videos++
		for e, p := range phrases {
			opts := segment.DefaultOptions()
			opts.K = 1
			opts.PhraseTau = map[string]float64{p.Text: det.Threshold(p)}
			pl, err := segment.New(&fixedParser{p}, c, &segment.FlowTracker{}, opts)
			if err != nil {
				return err
			}
			res, err := pl.Segment(ctx, segment.Video{Frames: frames}, "q")
			if err != nil {
				return err
			}
			r.Tracking.Entities++
			T := len(truth[e])
			if res.Start < 0 || len(res.Tracks) == 0 {
				r.Tracking.NoStart++
				for t := range T {
					all += boolF(truth[e][t].Area() == 0)
				}
				allN += T
				continue
			}
			r.Tracking.Tracked++
			r.Tracking.Reseeds += len(res.Tracks[0].Reseeds)
			for t := range T {
				v, err := res.Tracks[0].Masks[t].IoU(truth[e][t])
				if err != nil {
					return err
				}
				all += v
				allN++
				if t >= res.Start {
					sum += v
					r.Tracking.Frames++
				}
			}
		}
		fmt.Fprintf(log, "tracking: video %d/%d (%d frames), %d entities so far\n", i+1, o.trackVideos, v.Meta.Frames, r.Tracking.Entities)
	}
	r.Tracking.MeanIoU = sum / float64(max(r.Tracking.Frames, 1))
	r.Tracking.AllFrames = all / float64(max(allN, 1))
	return nil
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// fixedParser parses every query into one phrase.
type fixedParser struct{ p segment.Phrase }

func (f *fixedParser) Parse(string) ([]segment.Phrase, error) { return []segment.Phrase{f.p}, nil }

// videoTensor renders every frame of v as (T,H,W,3) and decodes each
// entity's true masks: truth[e][t].
func videoTensor(v *synth.Video) (*tensor.Dense, [][]segment.Mask, error) {
	m := v.Meta
	n := m.Width * m.Height
	data := make([]float32, m.Frames*n*3)
	rgb := make([]byte, n*3)
	for t := range m.Frames {
		if err := v.RGB(t, rgb); err != nil {
			return nil, nil, err
		}
		for i, b := range rgb {
			data[t*n*3+i] = float32(b) / 255
		}
	}
	truth := make([][]segment.Mask, len(m.Tracks))
	for e, tr := range m.Tracks {
		for t := range m.Frames {
			b, err := tr.Mask(t, m.Width, m.Height)
			if err != nil {
				return nil, nil, err
			}
			truth[e] = append(truth[e], maskOf(b, m.Width, m.Height))
		}
	}
	return tensor.New(tensor.WithShape(m.Frames, m.Height, m.Width, 3), tensor.WithBacking(data)), truth, nil
}
