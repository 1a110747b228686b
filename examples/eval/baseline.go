package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
)

// loadSplit reads every meta/*.json of a split directory, in file-name
// order.
func loadSplit(dir string) ([]*synth.Meta, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "meta", "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("split %s: no meta/*.json", dir)
	}
	sort.Strings(paths)
	metas := make([]*synth.Meta, len(paths))
	for i, p := range paths {
		if metas[i], err = synth.ReadMeta(p); err != nil {
			return nil, err
		}
		if !(metas[i].Duration > 0) {
			return nil, fmt.Errorf("%s: duration %g", p, metas[i].Duration)
		}
	}
	return metas, nil
}

// predictor returns the ranked predictions for query q of video m.
type predictor func(m *synth.Meta, q synth.Query) ([]heads.Span, error)

func runBaseline(name, data, train string, seed uint64, log io.Writer) ([]heads.Query, error) {
	var pred predictor
	switch name {
	case "random":
		pred = randomBaseline(seed)
	case "prior":
		if train == "" {
			return nil, fmt.Errorf("baseline prior needs -train DIR")
		}
		tm, err := loadSplit(train)
		if err != nil {
			return nil, err
		}
		length, centre, err := spanPrior(tm)
		if err != nil {
			return nil, fmt.Errorf("training split %s: %w", train, err)
		}
		fmt.Fprintf(log, "prior from %s: mean normalised length %.4f, centre %.4f\n", train, length, centre)
		pred = priorBaseline(length, centre)
	case "gate-oracle":
		pred = gateOracle
	default:
		return nil, fmt.Errorf("unknown baseline %q (want random, prior or gate-oracle)", name)
	}
	metas, err := loadSplit(data)
	if err != nil {
		return nil, err
	}
	qs, err := baselineQueries(metas, pred)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "baseline %s on %s: %d videos, %d queries\n", name, data, len(metas), len(qs))
	return qs, nil
}

// baselineQueries predicts every query of every video, in order.
func baselineQueries(metas []*synth.Meta, pred predictor) ([]heads.Query, error) {
	var qs []heads.Query
	for _, m := range metas {
		for i, q := range m.Queries {
			p, err := pred(m, q)
			if err != nil {
				return nil, fmt.Errorf("video %s query %d: %w", m.ID, i, err)
			}
			qs = append(qs, heads.Query{
				ID:   fmt.Sprintf("%s/%d", m.ID, i),
				GT:   []heads.Span{{Start: q.Start, End: q.End}},
				Pred: p,
			})
		}
	}
	return qs, nil
}

// randomBaseline predicts the span between two independent uniform times
// in [0, duration].
func randomBaseline(seed uint64) predictor {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	return func(m *synth.Meta, _ synth.Query) ([]heads.Span, error) {
		a, b := r.Float64()*m.Duration, r.Float64()*m.Duration
		return []heads.Span{{Start: math.Min(a, b), End: math.Max(a, b)}}, nil
	}
}

// spanPrior is the mean normalised length and mean normalised centre of
// the queries of a training split.
func spanPrior(metas []*synth.Meta) (length, centre float64, err error) {
	n := 0
	for _, m := range metas {
		for _, q := range m.Queries {
			length += (q.End - q.Start) / m.Duration
			centre += (q.Start + q.End) / 2 / m.Duration
			n++
		}
	}
	if n == 0 {
		return 0, 0, fmt.Errorf("no queries")
	}
	return length / float64(n), centre / float64(n), nil
}

// priorBaseline places a span of the given normalised length at the given
// normalised centre, clipped to the video.
func priorBaseline(length, centre float64) predictor {
	return func(m *synth.Meta, _ synth.Query) ([]heads.Span, error) {
		c, h := centre*m.Duration, length*m.Duration/2
		return []heads.Span{{Start: math.Max(0, c-h), End: math.Min(m.Duration, c+h)}}, nil
	}
}

// gateOracle gates the query's entities on their ground-truth masks and
// predicts the longest open run of frames, [s/fps, (e+1)/fps] seconds (the
// synth time convention). No prediction when the gate never opens.
func gateOracle(m *synth.Meta, q synth.Query) ([]heads.Span, error) {
	tracks := map[int]*synth.Track{}
	for i := range m.Tracks {
		tracks[m.Tracks[i].Entity] = &m.Tracks[i]
	}
	valid := make([][]bool, len(q.Entities))
	for i, id := range q.Entities {
		tr, ok := tracks[id]
		if !ok {
			return nil, fmt.Errorf("entity %d has no track", id)
		}
		valid[i] = make([]bool, m.Frames)
		for t, runs := range tr.Masks {
			// A run-length encoded mask alternates runs of unset and set
			// pixels starting with unset ones (synth.EncodeRLE), so it
			// has a set pixel iff it has a second run.
			valid[i][t] = len(runs) >= 2
		}
	}
	g, err := segment.Gate(valid)
	if err != nil {
		return nil, err
	}
	s, e, ok := segment.LongestRun(g, 1)
	if !ok {
		return nil, nil
	}
	return []heads.Span{{Start: float64(s) / m.FPS, End: float64(e+1) / m.FPS}}, nil
}
