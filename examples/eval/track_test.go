package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/internal/grounder"
	"github.com/videodit/videodit/internal/synth"
)

func TestSeparation(t *testing.T) {
	tests := []struct {
		name     string
		pos, neg []float64
		def      float64
		want     trackReport
	}{
		{"separated", []float64{0.3, 0.2}, []float64{0.01, 0.1}, 0.05,
			trackReport{Positives: 2, Negatives: 2, AUC: 1, Best: 0.2, BestBalanced: 1, Default: 0.05, DefaultBalanced: 0.75}},
		{"reversed", []float64{0.01}, []float64{0.3}, 0.05,
			trackReport{Positives: 1, Negatives: 1, AUC: 0, Best: 0.01, BestBalanced: 0.5, Default: 0.05, DefaultBalanced: 0}},
		{"ties count half", []float64{0.1, 0.1}, []float64{0.1, 0}, 0.2,
			trackReport{Positives: 2, Negatives: 2, AUC: 0.75, Best: 0.1, BestBalanced: 0.75, Default: 0.2, DefaultBalanced: 0.5}},
		{"no negatives", []float64{0.1}, nil, 0.05, trackReport{Positives: 1, Default: 0.05}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, separation(tc.pos, tc.neg, tc.def), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("separation (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOtherVideo(t *testing.T) {
	items := []grounder.Item{
		{ID: "a", Video: "a.mp4", Query: "q1"}, {ID: "a", Video: "a.mp4", Query: "q2"},
		{ID: "b", Video: "b.mp4", Query: "q3"}, {ID: "c", Video: "c.mp4", Query: "q4"},
	}
	got, err := otherVideo(items)
	if err != nil {
		t.Fatal(err)
	}
	want := []grounder.Item{
		{ID: "b", Video: "b.mp4", Query: "q1"}, {ID: "b", Video: "b.mp4", Query: "q2"},
		{ID: "c", Video: "c.mp4", Query: "q3"}, {ID: "a", Video: "a.mp4", Query: "q4"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("otherVideo (-want +got):\n%s", diff)
	}
	if _, err := otherVideo(items[:2]); err == nil {
		t.Error("otherVideo of one video: no error")
	}
}

func TestRunTrack(t *testing.T) {
	split := t.TempDir()
	cfg := synth.Config{MinDuration: 4, MaxDuration: 5, Queries: 1, QA: 1}
	if err := synth.WriteSplit(context.Background(), split, cfg, 7, 2, synth.WriteOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	dir, _, _ := checkpoint(t, split, cache)
	var out, log bytes.Buffer
	args := []string{"-model", dir, "-track", "-data", split, "-frames", "8", "-workers", "1", "-cache", cache}
	if err := run(args, &out, &log); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, log.String())
	}
	var got trackReport
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("-track output %q: %v", out.String(), err)
	}
	if got.Positives != 2 || got.Negatives != 2 || got.AUC < 0 || got.AUC > 1 || got.Model != dir {
		t.Errorf("-track report %+v: want 2 positives, 2 negatives, an AUC in [0, 1] and model %s", got, dir)
	}
	if err := run([]string{"-track", "-data", split}, &out, &log); err == nil {
		t.Error("-track without -model: no error")
	}
}
