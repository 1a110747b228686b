package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/grounder"
	"github.com/videodit/videodit/internal/synth"
)

// tinySplit writes a benchmark split of one 4-5 s video (seed 7) with one
// grounding query and one question and returns its directory.
func tinySplit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := synth.Config{MinDuration: 4, MaxDuration: 5, Queries: 1, QA: 1}
	if err := synth.WriteSplit(context.Background(), dir, cfg, 7, 1, synth.WriteOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkpoint computes the features of split's items (8 frames) into cache,
// writes an untrained model of the default configuration drawn from seed 3
// to a new directory with grounder.Save, and returns the directory and the
// model's reports on split as grounder.Evaluate gives them.
func checkpoint(t *testing.T, split, cache string) (dir string, ground, qa heads.Report) {
	t.Helper()
	ctx := context.Background()
	frozen, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	items, err := grounder.SplitItems(split, true)
	if err != nil {
		t.Fatal(err)
	}
	samples, err := grounder.Build(ctx, frozen, grounder.Cache{Dir: cache}, items, 8, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := grounder.ConfigFor(samples[0], base, grounder.DiffusionFeatures, 4, 8)
	m, set, err := grounder.Init(ctx, base, c, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "ckpt")
	if err := grounder.Save(ctx, dir, m, set); err != nil {
		t.Fatal(err)
	}
	if ground, qa, err = grounder.Evaluate(m, base, samples); err != nil {
		t.Fatal(err)
	}
	return dir, ground, qa
}

// modelOutput is the JSON object of -model.
type modelOutput struct {
	Model     string
	Data      string
	Ground    *heads.Report
	QA        *heads.Report
	Baselines map[string]heads.Report
}

func TestRunModel(t *testing.T) {
	split := tinySplit(t)
	cache := t.TempDir()
	dir, ground, qa := checkpoint(t, split, cache)

	var out, log bytes.Buffer
	args := []string{"-model", dir, "-data", split, "-train", split, "-frames", "8", "-workers", "1", "-cache", cache}
	if err := run(args, &out, &log); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, log.String())
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &keys); err != nil {
		t.Fatalf("-model output %q: %v", out.String(), err)
	}
	for _, k := range []string{"ground", "qa", "baselines"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("-model output %s: no key %q", out.String(), k)
		}
	}
	var got modelOutput
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("-model output %q: %v", out.String(), err)
	}
	if got.Model != dir || got.Data != split {
		t.Errorf("-model output names model %q and data %q, want %q and %q", got.Model, got.Data, dir, split)
	}
	// The program scores what grounder.Evaluate scores for the same model.
	if d := cmp.Diff(&ground, got.Ground, cmpopts.EquateApprox(0, 1e-9)); d != "" {
		t.Errorf("-model ground report (-grounder.Evaluate +eval):\n%s", d)
	}
	if d := cmp.Diff(&qa, got.QA, cmpopts.EquateApprox(0, 1e-9)); d != "" {
		t.Errorf("-model qa report (-grounder.Evaluate +eval):\n%s", d)
	}
	if got.QA == nil || got.QA.AccQA == nil || got.QA.AccGQA == nil {
		t.Errorf("-model qa report %+v: want Acc@QA and Acc@GQA on a split with a question", got.QA)
	}
	// The baselines score the split's one grounding query.
	var names []string
	for name, r := range got.Baselines {
		names = append(names, name)
		if r.N != 1 || r.AccQA != nil {
			t.Errorf("baseline %s: %+v, want n = 1 grounding query and no Acc@QA", name, r)
		}
	}
	if d := cmp.Diff([]string{"prior", "random"}, names, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
		t.Errorf("-model baselines with -train (-want +got):\n%s", d)
	}

	// -model default is the 96-frame model: scoring it on 8 frames is an
	// error naming -frames.
	out.Reset()
	args = []string{"-model", "default", "-data", split, "-frames", "8", "-workers", "1", "-cache", cache}
	if err := run(args, &out, &log); err == nil || !strings.Contains(err.Error(), "-frames") {
		t.Errorf("%v: error %v, want one naming -frames", args, err)
	}
}

// ablateLine is one line of -ablate: a run (Seed set) or a variant's
// summary (Seeds set).
type ablateLine struct {
	Variant    string
	Seed       *uint64
	Seeds      []uint64
	Features   string
	Objects    *int
	TimeTokens *int `json:"time_tokens"`
	Ground     json.RawMessage
	QA         json.RawMessage
}

func TestRunAblate(t *testing.T) {
	split := tinySplit(t)
	var out, log bytes.Buffer
	args := []string{"-ablate", "-train", split, "-data", split, "-variants", "full,no-time", "-seeds", "1,2",
		"-steps", "2", "-batch", "2", "-frames", "8", "-workers", "1", "-cache", t.TempDir()}
	if err := run(args, &out, &log); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, log.String())
	}
	var lines []ablateLine
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var l ablateLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("-ablate line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	// One line per (variant, seed), then the variant's summary.
	type shape struct {
		Variant    string
		Seed       uint64
		Summary    bool
		TimeTokens int
	}
	var got []shape
	for _, l := range lines {
		s := shape{Variant: l.Variant}
		switch {
		case l.Seed != nil:
			s.Seed = *l.Seed
			var r heads.Report
			if err := json.Unmarshal(l.Ground, &r); err != nil || r.N != 1 {
				t.Errorf("%s seed %d: ground %s (%v), want a report of 1 query", l.Variant, *l.Seed, l.Ground, err)
			}
			if err := json.Unmarshal(l.QA, &r); err != nil || r.N != 1 || r.AccQA == nil {
				t.Errorf("%s seed %d: qa %s (%v), want a report of 1 question with Acc@QA", l.Variant, *l.Seed, l.QA, err)
			}
		case l.Seeds != nil:
			s.Summary = true
			if l.TimeTokens != nil {
				s.TimeTokens = *l.TimeTokens
			}
			if d := cmp.Diff([]uint64{1, 2}, l.Seeds); d != "" {
				t.Errorf("%s summary seeds (-want +got):\n%s", l.Variant, d)
			}
			for _, part := range []struct {
				name string
				raw  json.RawMessage
				want []string
			}{
				{"ground", l.Ground, []string{"R1@0.3", "R1@0.5", "R1@0.7", "mIoU", "mIoP", "IoP@0.3", "IoP@0.5", "IoU@0.3", "IoU@0.5"}},
				{"qa", l.QA, []string{"R1@0.3", "R1@0.5", "R1@0.7", "mIoU", "mIoP", "IoP@0.3", "IoP@0.5", "IoU@0.3", "IoU@0.5", "Acc@QA", "Acc@GQA"}},
			} {
				var stats []heads.Stat
				if err := json.Unmarshal(part.raw, &stats); err != nil {
					t.Errorf("%s summary %s %s: %v", l.Variant, part.name, part.raw, err)
					continue
				}
				var names []string
				for _, st := range stats {
					names = append(names, st.Name)
					if st.Std < 0 || st.Mean < 0 || st.Mean > 100 {
						t.Errorf("%s summary %s %s: mean %g, std %g", l.Variant, part.name, st.Name, st.Mean, st.Std)
					}
				}
				if d := cmp.Diff(part.want, names); d != "" {
					t.Errorf("%s summary %s metrics (-want +got):\n%s", l.Variant, part.name, d)
				}
			}
		default:
			t.Errorf("-ablate line %+v: neither a run nor a summary", l)
		}
		got = append(got, s)
	}
	want := []shape{
		{Variant: "full", Seed: 1}, {Variant: "full", Seed: 2}, {Variant: "full", Summary: true, TimeTokens: 8},
		{Variant: "no-time", Seed: 1}, {Variant: "no-time", Seed: 2}, {Variant: "no-time", Summary: true, TimeTokens: 0},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("-ablate lines (-want +got):\n%s\noutput:\n%s", d, out.String())
	}
}

func TestRunModelFlagErrors(t *testing.T) {
	split, cache := tinySplit(t), t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-ablate", "-data", split}, "-train"},
		{[]string{"-ablate", "-train", split}, "-data"},
		{[]string{"-model", "default"}, "-data"},
		{[]string{"-model", filepath.Join(t.TempDir(), "absent"), "-data", split, "-frames", "8"}, "absent"},
		{[]string{"-model", "default", "-data", split, "-schedule", "quadratic"}, "-schedule"},
		{[]string{"-ablate", "-train", split, "-data", split, "-schedule", "quadratic"}, "-schedule"},
		{[]string{"-ablate", "-train", split, "-data", split, "-frames", "8", "-cache", cache, "-seeds", "1,x"}, "-seeds"},
		{[]string{"-ablate", "-train", split, "-data", split, "-frames", "8", "-cache", cache, "-variants", "bogus"}, `-variants: unknown variant "bogus"`},
		// A bad variant after a good one fails before any training (the
		// runs of the good one would take hours at the default -steps).
		{[]string{"-ablate", "-train", split, "-data", split, "-frames", "8", "-cache", cache, "-steps", "1", "-batch", "2", "-seeds", "1", "-variants", "full,bogus"}, `-variants: unknown variant "bogus"`},
		{[]string{"-model", "default", "-data", split, "-frames", "8", "-cache", cache, "extra"}, "unexpected arguments"},
		{[]string{"-ablate", "-train", split, "-data", split, "-frames", "8", "-cache", cache, "-steps", "1", "-batch", "2", "-seeds", "1", "-variants", "full", "extra"}, "unexpected arguments"},
	} {
		var out, log bytes.Buffer
		err := run(c.args, &out, &log)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error = %v, want one naming %s", c.args, err, c.want)
		}
		if out.Len() > 0 {
			t.Errorf("%v: failed after writing results:\n%s", c.args, out.String())
		}
	}
}
