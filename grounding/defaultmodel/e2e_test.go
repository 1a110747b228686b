package defaultmodel_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/grounding/defaultmodel"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/grounder"
	"github.com/videodit/videodit/internal/synth"
)

// The end-to-end clip: video e2eIndex of the benchmark's seed e2eSeed (a
// seed no training used) and its six queries (two single clauses, "the
// black cross reappears" and "the black cross vanishes", and four
// relations). e2eMinHits is how many of the queries' top spans must reach
// IoU 0.5 with the truth. The clip and the bound guard against regressions;
// they do not measure quality, and were chosen knowing the shipped model's
// output: on the first four clips of the seed it reaches IoU 0.5 on one
// query of 24 ("the black cross reappears", IoU 0.62, this clip), below its
// R1@0.5 of 13.3 on the test split (weights/TRAINING.md), which is the
// measurement that counts.
const (
	e2eSeed    = 2026
	e2eIndex   = 3
	e2eMinHits = 1
)

// benchClip writes the end-to-end clip as mp4 (ffmpeg) and decodes it as a
// user would, returning it and its queries with their ground-truth spans.
func benchClip(tb testing.TB) (*grounding.Video, []synth.Query) {
	tb.Helper()
	const index = e2eIndex
	dir := tb.TempDir()
	ctx := context.Background()
	if err := synth.WriteSplit(ctx, dir, synth.Config{Split: "e2e"}, e2eSeed, index+1, synth.WriteOptions{Workers: 1}); err != nil {
		tb.Fatal(err)
	}
	id := fmt.Sprintf("e2e-%d-%05d", e2eSeed, index)
	meta, err := synth.ReadMeta(filepath.Join(dir, "meta", id+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	v, err := grounding.LoadVideoFile(ctx, filepath.Join(dir, "videos", id+".mp4"), grounding.VideoOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return v, meta.Queries
}

// TestGroundEndToEnd grounds each query of the clip with the default
// model, counts the top spans that reach IoU 0.5 with the ground truth,
// and checks that the pipeline computes what the training code computes:
// grounder.Predict on the Sample the frozen stages make of the same video
// and query gives the same ranked spans.
func TestGroundEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every stage of the default model")
	}
	ctx := context.Background()
	v, queries := benchClip(t)
	p, err := defaultmodel.Load(ctx, grounding.Options{TopK: 3})
	if err != nil {
		t.Fatal(err)
	}
	frozen, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := grounder.Load(ctx, defaultmodel.Weights(), base)
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for _, q := range queries {
		res, err := p.Ground(ctx, v, q.Text)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Spans) == 0 {
			t.Fatalf("Ground(%q) returned no span", q.Text)
		}
		truth := heads.Span{Start: q.Start, End: q.End}
		top := heads.Span{Start: res.Spans[0].Start, End: res.Spans[0].End}
		iou := heads.IoU(top, truth)
		t.Logf("Ground(%q) (%s): top span %.2f-%.2f s, truth %.2f-%.2f s, IoU %.3f", q.Text, q.Relation, top.Start, top.End, truth.Start, truth.End, iou)
		if iou >= 0.5 {
			hits++
		}

		s, err := frozen.Extract(ctx, v.Frames, v.Times, v.Duration, q.Text, nil)
		if err != nil {
			t.Fatal(err)
		}
		pred, err := grounder.Predict(m, base, s, 3, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []heads.Span
		for _, sp := range res.Spans {
			got = append(got, heads.Span{Start: sp.Start, End: sp.End})
		}
		if diff := cmp.Diff(pred.Spans, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("%q: pipeline spans differ from the training code's (-grounder +pipeline):\n%s", q.Text, diff)
		}
	}
	if hits < e2eMinHits {
		t.Errorf("%d of %d top spans reach IoU 0.5 with the truth, want >= %d", hits, len(queries), e2eMinHits)
	}
}
