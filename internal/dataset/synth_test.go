package dataset

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/videodit/videodit/internal/synth"
)

// TestReadsBenchmarkSplit reads the charades.txt and qa.jsonl of a small
// split written by the benchmark generator and checks them against the
// generator's own metadata, so that a format change on either side fails.
func TestReadsBenchmarkSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a small split")
	}
	dir := t.TempDir()
	cfg := synth.Config{Split: "dstest", Width: 32, Height: 32, MinDuration: 10, MaxDuration: 12}
	const n = 3
	if err := synth.WriteSplit(context.Background(), dir, cfg, 5, n, synth.WriteOptions{Format: synth.FormatPNG, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	var metas []*synth.Meta
	for i := range n {
		m, err := synth.ReadMeta(filepath.Join(dir, "meta", synth.VideoID(cfg.Split, 5, i)+".json"))
		if err != nil {
			t.Fatal(err)
		}
		metas = append(metas, m)
	}

	durations := map[string]float64{}
	for _, m := range metas {
		durations[m.ID] = m.Duration
	}
	moments, err := ReadCharadesSTAFile(filepath.Join(dir, "charades.txt"), durations)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, m := range metas {
		for _, q := range m.Queries {
			if k >= len(moments) {
				t.Fatalf("charades.txt has %d lines, meta has more queries", len(moments))
			}
			got := moments[k]
			// charades.txt rounds to 2 decimals: at most half a hundredth off.
			const roundTol = 0.005 + 1e-9
			if got.Video != m.ID || got.Query != q.Text || math.Abs(got.Span.Start-q.Start) > roundTol || math.Abs(got.Span.End-q.End) > roundTol {
				t.Errorf("line %d: %s %v %q, want %s [%g, %g] %q", got.Line, got.Video, got.Span, got.Query, m.ID, q.Start, q.End, q.Text)
			}
			k++
		}
	}
	if k != len(moments) || k == 0 {
		t.Errorf("charades.txt has %d lines, meta %d queries", len(moments), k)
	}

	items, err := ReadQAJSONLFile(filepath.Join(dir, "qa.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	k = 0
	for _, m := range metas {
		for _, q := range m.QA {
			if k >= len(items) {
				t.Fatalf("qa.jsonl has %d lines, meta has more items", len(items))
			}
			it := items[k]
			if it.Video != m.ID || it.Question != q.Question || it.Answer != q.Answer || it.AnswerText != q.AnswerText || len(it.Evidence) != len(q.Evidence) {
				t.Errorf("qa.jsonl line %d: %+v, want %+v", it.Line, it, q)
			}
			for j, e := range q.Evidence {
				if j < len(it.Evidence) && (it.Evidence[j].Start != e[0] || it.Evidence[j].End != e[1]) {
					t.Errorf("qa.jsonl line %d: evidence %d %v, want %v", it.Line, j, it.Evidence[j], e)
				}
			}
			k++
		}
	}
	if k != len(items) || k == 0 {
		t.Errorf("qa.jsonl has %d lines, meta %d items", len(items), k)
	}
}
