package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/internal/grounder"
)

// trackReport is what -track prints: how well the top span's score tells
// an event that happens from one that does not (Track's decision).
type trackReport struct {
	Model     string `json:"model"`
	Data      string `json:"data"`
	Positives int    `json:"positives"`
	Negatives int    `json:"negatives"`
	// AUC is the probability that a positive scores above a negative
	// (ties count half).
	AUC float64 `json:"auc"`
	// Best is the threshold of the best balanced accuracy, BestBalanced
	// that accuracy; DefaultBalanced the balanced accuracy at
	// grounding.DefaultEventThreshold.
	Best            float64 `json:"best_threshold"`
	BestBalanced    float64 `json:"best_balanced_accuracy"`
	Default         float64 `json:"default_threshold"`
	DefaultBalanced float64 `json:"default_balanced_accuracy"`
}

// runTrack measures Track's event decision for -model on -data: every
// grounding query among the first -limit items is scored (the top span's
// score p_s p_e, as Track computes it) on its own video, where the event
// happens, and on the next video of the split, where its entities and
// event are mostly absent (a random other video can show the same event;
// those count as negatives all the same).
func runTrack(ctx context.Context, o modelOptions, out, log io.Writer) error {
	frozen, base, m, err := loadModel(ctx, o)
	if err != nil {
		return err
	}
	all, err := grounder.SplitItems(o.data, true)
	if err != nil {
		return err
	}
	if o.limit > 0 && o.limit < len(all) {
		all = all[:o.limit]
	}
	var items []grounder.Item // the grounding queries among the first -limit items
	for _, it := range all {
		if len(it.Choices) == 0 {
			items = append(items, it)
		}
	}
	neg, err := otherVideo(items)
	if err != nil {
		return fmt.Errorf("-data %s: %w", o.data, err)
	}
	pos, err := itemSamples(ctx, frozen, o, o.data, items, log)
	if err != nil {
		return err
	}
	negS, err := itemSamples(ctx, frozen, o, o.data, neg, log)
	if err != nil {
		return err
	}
	score := func(ss []*grounder.Sample) ([]float64, error) {
		out := make([]float64, len(ss))
		for i, s := range ss {
			p, err := grounder.Predict(m, base, s, 1, 0)
			if err != nil {
				return nil, err
			}
			out[i] = p.Scores[0]
		}
		return out, nil
	}
	ps, err := score(pos)
	if err != nil {
		return err
	}
	ns, err := score(negS)
	if err != nil {
		return err
	}
	r := separation(ps, ns, grounding.DefaultEventThreshold)
	r.Model, r.Data = o.model, o.data
	return json.NewEncoder(out).Encode(r)
}

// otherVideo returns each item's query on the next video of the list (the
// last item's on the first video), keeping the query's ground truth,
// which only fills the sample's targets. It needs two videos.
func otherVideo(items []grounder.Item) ([]grounder.Item, error) {
	var videos []grounder.Item
	for _, it := range items {
		if len(videos) == 0 || videos[len(videos)-1].ID != it.ID {
			videos = append(videos, it)
		}
	}
	if len(videos) < 2 {
		return nil, fmt.Errorf("%d videos: -track needs at least 2", len(videos))
	}
	next := map[string]grounder.Item{}
	for i, v := range videos {
		next[v.ID] = videos[(i+1)%len(videos)]
	}
	out := make([]grounder.Item, len(items))
	for i, it := range items {
		o := next[it.ID]
		out[i] = it
		out[i].ID, out[i].Video = o.ID, o.Video
	}
	return out, nil
}

// separation scores how well scores tell positives (pos) from negatives
// (neg): AUC, the best balanced accuracy over thresholds and the balanced
// accuracy at def (a score at or above a threshold says "happens").
func separation(pos, neg []float64, def float64) trackReport {
	r := trackReport{Positives: len(pos), Negatives: len(neg), Default: def}
	if len(pos) == 0 || len(neg) == 0 {
		return r
	}
	var wins float64
	for _, p := range pos {
		for _, n := range neg {
			switch {
			case p > n:
				wins++
			case p == n:
				wins += 0.5
			}
		}
	}
	r.AUC = wins / float64(len(pos)*len(neg))
	balanced := func(th float64) float64 {
		tp, tn := 0, 0
		for _, p := range pos {
			if p >= th {
				tp++
			}
		}
		for _, n := range neg {
			if n < th {
				tn++
			}
		}
		return (float64(tp)/float64(len(pos)) + float64(tn)/float64(len(neg))) / 2
	}
	cands := append(append([]float64(nil), pos...), neg...)
	sort.Float64s(cands)
	for _, th := range cands {
		if b := balanced(th); b > r.BestBalanced {
			r.Best, r.BestBalanced = th, b
		}
	}
	r.DefaultBalanced = balanced(def)
	return r
}
