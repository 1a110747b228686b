package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/synth"
)

// visible builds the masks of a 2x1-pixel video of len(on) frames: the
// entity covers the second pixel in the frames marked true.
func visible(on ...bool) synth.Track {
	tr := synth.Track{Boxes: make([]*synth.Box, len(on)), Masks: make([][]int, len(on))}
	for t, v := range on {
		if v {
			tr.Masks[t] = synth.EncodeRLE([]bool{false, true})
			tr.Boxes[t] = &synth.Box{1, 0, 2, 1}
		}
	}
	return tr
}

// writeSplit writes metas as dir/meta/ID.json.
func writeSplit(t *testing.T, metas ...synth.Meta) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "meta"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, m := range metas {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "meta", m.ID+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const T, F = true, false

// video is 8 frames at 2 fps (4 s). Entity 1 is visible in frames 1-6,
// entity 2 in 0-2 and 4-5, entity 3 never (entity 0 has no track). It has
// one event over the whole video, the target of every query; each query's
// frames follow its seconds, so that synth.ReadMeta accepts the file.
func video(queries ...synth.Query) synth.Meta {
	tracks := []synth.Track{visible(F, T, T, T, T, T, T, F), visible(T, T, T, F, T, T, F, F), visible(F, F, F, F, F, F, F, F)}
	for i := range tracks {
		tracks[i].Entity = i + 1
	}
	entities := make([]synth.Entity, 4)
	for i := range entities {
		entities[i].ID = i
	}
	for i := range queries {
		q := &queries[i]
		q.StartFrame = int(q.Start * 2)
		q.EndFrame = max(q.StartFrame, int(q.End*2)-1)
	}
	events := []synth.Event{{Kind: "moves", Entities: []int{1}, StartFrame: 0, EndFrame: 7, Start: 0, End: 4}}
	return synth.Meta{ID: "v0", FPS: 2, Width: 2, Height: 1, Frames: 8, Duration: 4,
		Entities: entities, Events: events, Tracks: tracks, Queries: queries}
}

func TestGateOracle(t *testing.T) {
	m := video(
		synth.Query{Entities: []int{1, 2}, Start: 0.5, End: 1.5}, // gate open in 1-2 and 4-5: earliest longest run
		synth.Query{Entities: []int{1}, Start: 1, End: 3.5},      // run 1-6 = [0.5, 3.5]
		synth.Query{Entities: []int{1, 3}, Start: 0, End: 1},     // never open: no prediction
	)
	got, err := baselineQueries([]*synth.Meta{&m}, gateOracle)
	if err != nil {
		t.Fatal(err)
	}
	want := []heads.Query{
		{ID: "v0/0", GT: []heads.Span{{Start: 0.5, End: 1.5}}, Pred: []heads.Span{{Start: 0.5, End: 1.5}}},
		{ID: "v0/1", GT: []heads.Span{{Start: 1, End: 3.5}}, Pred: []heads.Span{{Start: 0.5, End: 3.5}}},
		{ID: "v0/2", GT: []heads.Span{{Start: 0, End: 1}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("gate-oracle (-want +got):\n%s", d)
	}
	bad := video(synth.Query{Entities: []int{9}})
	if _, err := baselineQueries([]*synth.Meta{&bad}, gateOracle); err == nil || !strings.Contains(err.Error(), "video v0 query 0: entity 9 has no track") {
		t.Errorf("unknown entity: error = %v", err)
	}
}

func TestPrior(t *testing.T) {
	train := video(synth.Query{Start: 0, End: 2}, synth.Query{Start: 2, End: 4}, synth.Query{Start: 1, End: 2})
	length, centre, err := spanPrior([]*synth.Meta{&train})
	if err != nil {
		t.Fatal(err)
	}
	// lengths 0.5, 0.5, 0.25; centres 0.25, 0.75, 0.375
	if d := cmp.Diff([2]float64{1.25 / 3, 1.375 / 3}, [2]float64{length, centre}, cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("spanPrior (-want +got):\n%s", d)
	}
	test := video(synth.Query{Start: 0, End: 1})
	test.Duration = 10
	got, err := priorBaseline(0.5, 0.9)(&test, test.Queries[0])
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]heads.Span{{Start: 6.5, End: 10}}, got, cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("prior placed and clipped (-want +got):\n%s", d)
	}
	if _, _, err := spanPrior([]*synth.Meta{new(synth.Meta)}); err == nil {
		t.Error("spanPrior of a split without queries: no error")
	}
}

func TestRandom(t *testing.T) {
	m := video(make([]synth.Query, 50)...)
	draw := func(seed uint64) []heads.Query {
		qs, err := baselineQueries([]*synth.Meta{&m}, randomBaseline(seed))
		if err != nil {
			t.Fatal(err)
		}
		return qs
	}
	a, b, c := draw(1), draw(1), draw(2)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("same seed, different spans (-first +second):\n%s", d)
	}
	if cmp.Equal(a, c) {
		t.Error("seeds 1 and 2 drew the same spans")
	}
	for _, q := range a {
		p := q.Pred[0]
		if !(0 <= p.Start && p.Start <= p.End && p.End <= m.Duration) {
			t.Fatalf("%s: span %v outside [0, %g] or reversed", q.ID, p, m.Duration)
		}
	}
}

func TestRunBaselines(t *testing.T) {
	data := writeSplit(t, video(synth.Query{Entities: []int{1, 2}, Start: 0.5, End: 1.5}, synth.Query{Entities: []int{1}, Start: 1, End: 3.5}))
	train := writeSplit(t, video(synth.Query{Start: 0, End: 2}))
	var out, log bytes.Buffer
	if err := run([]string{"-baseline", "gate-oracle", "-data", data}, &out, &log); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	want := map[string]any{
		"n": 2.0, "R1@0.3": 100.0, "R1@0.5": 100.0, "R1@0.7": 100.0, "mIoU": 100 * (1 + 2.5/3) / 2, "mIoP": 100 * (1 + 2.5/3) / 2,
		"IoP@0.3": 100.0, "IoP@0.5": 100.0, "IoU@0.3": 100.0, "IoU@0.5": 100.0, "Acc@QA": nil, "Acc@GQA": nil,
	}
	if d := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("gate-oracle output (-want +got):\n%s", d)
	}
	for _, args := range [][]string{
		{"-baseline", "random", "-data", data, "-seed", "3"},
		{"-baseline", "prior", "-data", data, "-train", train},
	} {
		out.Reset()
		if err := run(args, &out, &log); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil || got["n"] != 2.0 {
			t.Errorf("%v: output %q, %v", args, out.String(), err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-baseline", "prior", "-data", data}, "needs -train"},
		{[]string{"-baseline", "oracle", "-data", data}, `unknown baseline "oracle"`},
		{[]string{"-baseline", "random"}, "needs -data"},
		{[]string{"-baseline", "random", "-data", t.TempDir()}, "no meta/*.json"},
		{[]string{}, "give -metrics FILE or -baseline"},
		{[]string{"-metrics", "x", "-baseline", "random"}, "not both"},
		{[]string{"-metrics", "x", "extra"}, "unexpected arguments"},
	} {
		if err := run(c.args, &out, &log); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error = %v, want one containing %q", c.args, err, c.want)
		}
	}
}

func TestRunMetrics(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.jsonl")
	lines := `{"id":"a","gt":[[0,10]],"pred":[[0,5]],"answer":"Red","prediction":"red "}
{"id":"b","gt":[[0,10],[20,30]],"pred":[[22,24],[0,10]],"answer":"x","prediction":"y"}
`
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-metrics", file}, &out, &out); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	want := map[string]any{
		"n": 2.0, "R1@0.3": 50.0, "R1@0.5": 50.0, "R1@0.7": 0.0, "mIoU": 100 * (0.5 + 0.2) / 2, "mIoP": 100.0,
		"IoP@0.3": 100.0, "IoP@0.5": 100.0, "IoU@0.3": 50.0, "IoU@0.5": 50.0, "Acc@QA": 50.0, "Acc@GQA": 50.0,
	}
	if d := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("-metrics output (-want +got):\n%s", d)
	}
	if err := os.WriteFile(file, []byte(lines+"{\"id\":\"c\",\"gt\":[[1]]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-metrics", file}, &out, &out); err == nil || !strings.Contains(err.Error(), "p.jsonl:3:") {
		t.Errorf("malformed line: error = %v, want one naming p.jsonl:3", err)
	}
}
