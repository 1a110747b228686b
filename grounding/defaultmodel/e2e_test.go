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
// seed no training used), its query e2eQuery ("the orange cross is in
// motion for the first time", 2.75-6.00 s), and the IoU its top span must
// reach. The bound is set by the shipped model's quality on this one clip,
// not the target: it predicts 3.00-5.25 s (IoU 0.69), while on the
// test split it reaches only R1@0.5 4.6 and mIoU 7.6
// (weights/TRAINING.md). A retrained model that loses this overlap fails
// the test.
const (
	e2eSeed   = 2026
	e2eIndex  = 0
	e2eQuery  = 1
	e2eMinIoU = 0.5
)

// benchClip writes the end-to-end clip as mp4 (ffmpeg) and decodes it as a
// user would, returning it, the query and its ground-truth span.
func benchClip(tb testing.TB) (*grounding.Video, string, heads.Span) {
	tb.Helper()
	dir := tb.TempDir()
	ctx := context.Background()
	if err := synth.WriteSplit(ctx, dir, synth.Config{Split: "e2e"}, e2eSeed, e2eIndex+1, synth.WriteOptions{Workers: 1}); err != nil {
		tb.Fatal(err)
	}
	id := fmt.Sprintf("e2e-%d-%05d", e2eSeed, e2eIndex)
	meta, err := synth.ReadMeta(filepath.Join(dir, "meta", id+".json"))
	if err != nil {
		tb.Fatal(err)
	}
	v, err := grounding.LoadVideoFile(ctx, filepath.Join(dir, "videos", id+".mp4"), grounding.VideoOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	q := meta.Queries[e2eQuery]
	return v, q.Text, heads.Span{Start: q.Start, End: q.End}
}

// TestGroundEndToEnd grounds the clip's query with the default model,
// checks the top span against the ground truth, and checks that the
// pipeline computes what the training code computes: grounder.Predict on
// the Sample the frozen stages make of the same video and query gives the
// same ranked spans.
func TestGroundEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every stage of the default model")
	}
	ctx := context.Background()
	v, query, truth := benchClip(t)
	p, err := defaultmodel.Load(ctx, grounding.Options{TopK: 3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Ground(ctx, v, query)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Spans) == 0 {
		t.Fatalf("Ground(%q) returned no span", query)
	}
	top := heads.Span{Start: res.Spans[0].Start, End: res.Spans[0].End}
	iou := heads.IoU(top, truth)
	t.Logf("Ground(%q): top span %.2f-%.2f s, truth %.2f-%.2f s, IoU %.3f", query, top.Start, top.End, truth.Start, truth.End, iou)
	if iou < e2eMinIoU {
		t.Errorf("Ground(%q) top span %+v, truth %+v: IoU %.3f, want >= %g", query, top, truth, iou, e2eMinIoU)
	}

	frozen, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := grounder.Load(ctx, defaultmodel.Weights(), base)
	if err != nil {
		t.Fatal(err)
	}
	s, err := frozen.Extract(ctx, v.Frames, v.Times, v.Duration, query, nil)
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
		t.Errorf("pipeline spans differ from the training code's (-grounder +pipeline):\n%s", diff)
	}
}
