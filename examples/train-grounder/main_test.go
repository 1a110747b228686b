package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/grounder"
	"github.com/videodit/videodit/internal/synth"
)

// tinySplit writes a benchmark split of one 4-5 s video with one grounding
// query and one question (seed 7) and returns its directory.
func tinySplit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := synth.Config{MinDuration: 4, MaxDuration: 5, Queries: 1, QA: 1}
	if err := synth.WriteSplit(context.Background(), dir, cfg, 7, 1, synth.WriteOptions{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tinyOptions are the flags' defaults for a run on split with 8 frames,
// 2 steps of 2 samples and a checkpoint every step.
func tinyOptions(split, cache, out string) options {
	return options{
		train: split, cache: cache, out: out, frames: 8, workers: 1, qa: true,
		steps: 2, batch: 2, every: 1, lr: 1e-3, kl: 0.1, seed: 1,
		features: grounder.DiffusionFeatures, objects: 4, timeTokens: 8,
	}
}

// quiet sends the package logger's progress lines to a buffer for the
// duration of the test and returns the buffer.
func quiet(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	w := log.Writer()
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(w) })
	return &buf
}

// files lists the regular files under dir (slash paths relative to dir)
// with their sizes and modification times.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		got[filepath.ToSlash(rel)] = fmt.Sprintf("%d bytes, modified %s", info.Size(), info.ModTime())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func names(m map[string]string) []string {
	var n []string
	for k := range m {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

func readState(t *testing.T, out string) int {
	t.Helper()
	st, err := grounder.ReadState(out)
	if err != nil {
		t.Fatal(err)
	}
	return st.Step
}

// checkpointFiles are the files of a grounder checkpoint directory.
var checkpointFiles = []string{
	"adapter/adapter_config.json",
	"adapter/adapter_model.safetensors",
	"config.json",
	"model.safetensors",
}

// TestRunResumeExport trains 2 steps on a one-video split, checks the run
// directory, resumes to step 3, reruns on the same cache (which must not
// grow or change) and exports the checkpoint.
func TestRunResumeExport(t *testing.T) {
	logs := quiet(t)
	ctx := context.Background()
	split, tmp := tinySplit(t), t.TempDir()
	cache, out := filepath.Join(tmp, "cache"), filepath.Join(tmp, "run")

	o := tinyOptions(split, cache, out)
	if err := run(ctx, o); err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, f := range checkpointFiles {
		if _, err := os.Stat(filepath.Join(out, grounder.LatestDir, f)); err != nil {
			t.Errorf("after training: %v", err)
		}
	}
	for _, f := range []string{grounder.StateFile, grounder.OptimFile} {
		if _, err := os.Stat(filepath.Join(out, grounder.LatestDir, f)); err != nil {
			t.Errorf("after training: %v", err)
		}
	}
	if got := readState(t, out); got != 2 {
		t.Errorf("state.json step = %d after -steps 2, want 2", got)
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics-train.json"))
	if err != nil {
		t.Fatal(err)
	}
	var metrics struct {
		Split  string
		Steps  int
		Ground map[string]any
		QA     map[string]any
		Config grounder.Config
	}
	if err := json.Unmarshal(b, &metrics); err != nil {
		t.Fatalf("metrics-train.json: %v\n%s", err, b)
	}
	if metrics.Split != "train" || metrics.Steps != 2 || metrics.Ground == nil || metrics.QA == nil {
		t.Errorf("metrics-train.json = %s, want split train, steps 2, ground and qa", b)
	}
	if metrics.Config.Frames != 8 || metrics.Config.Features != grounder.DiffusionFeatures {
		t.Errorf("metrics-train.json config = %+v, want 8 frames of diffusion features", metrics.Config)
	}

	cached := files(t, cache)
	if len(cached) == 0 {
		t.Fatalf("the cache %s is empty after a run", cache)
	}
	for _, n := range names(cached) {
		if !strings.HasSuffix(n, ".gob") {
			t.Errorf("cache file %s: not a .gob entry (a left-over temporary?)", n)
		}
	}

	// Resume to step 3: one more step from the checkpoint, on the same
	// cache (which must be hit: no file added or rewritten).
	o.resume, o.steps = true, 3
	logs.Reset()
	if err := run(ctx, o); err != nil {
		t.Fatalf("run -resume -steps 3: %v", err)
	}
	if !strings.Contains(logs.String(), "3 steps of 2 from step 2") {
		t.Errorf("run -resume -steps 3 did not start from step 2; its log:\n%s", logs)
	}
	if got := readState(t, out); got != 3 {
		t.Errorf("state.json step = %d after -resume -steps 3, want 3", got)
	}
	if diff := cmp.Diff(cached, files(t, cache)); diff != "" {
		t.Errorf("a run on a filled cache changed it (-before +after):\n%s", diff)
	}

	// Export the checkpoint: the four files, byte for byte.
	dst := filepath.Join(tmp, "export")
	latest := filepath.Join(out, grounder.LatestDir)
	if err := run(ctx, options{export: dst, from: latest}); err != nil {
		t.Fatalf("run -export: %v", err)
	}
	if diff := cmp.Diff(checkpointFiles, names(files(t, dst))); diff != "" {
		t.Errorf("exported files (-want +got):\n%s", diff)
	}
	for _, f := range checkpointFiles {
		want, err := os.ReadFile(filepath.Join(latest, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dst, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("exported %s differs from %s", f, filepath.Join(latest, f))
		}
	}
	// The export loads as a checkpoint on the default base.
	_, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := grounder.Load(ctx, os.DirFS(dst), base)
	if err != nil {
		t.Fatalf("grounder.Load of the export: %v", err)
	}
	if diff := cmp.Diff(metrics.Config, m.Config); diff != "" {
		t.Errorf("exported config (-trained +exported):\n%s", diff)
	}
}

// TestResumeWithoutRun: -resume on a directory that holds no run is an
// error, and it leaves no checkpoint behind.
func TestResumeWithoutRun(t *testing.T) {
	quiet(t)
	split, tmp := tinySplit(t), t.TempDir()
	out := filepath.Join(tmp, "run")
	o := tinyOptions(split, filepath.Join(tmp, "cache"), out)
	o.resume = true
	if err := run(context.Background(), o); err == nil {
		t.Fatal("run -resume without a run in -out: no error")
	}
	if _, err := os.Stat(filepath.Join(out, grounder.LatestDir)); err == nil {
		t.Errorf("a failed -resume wrote %s", filepath.Join(out, grounder.LatestDir))
	}
}

func TestFlagErrors(t *testing.T) {
	quiet(t)
	ctx := context.Background()
	split := tinySplit(t)
	for _, tc := range []struct {
		name string
		o    options
		want string
	}{
		{"no -train", options{cache: t.TempDir(), out: t.TempDir(), frames: 8}, "-train"},
		{"no -cache", options{train: split, out: t.TempDir(), frames: 8}, "-cache"},
		{"-export without -from", options{export: t.TempDir()}, "-from"},
		{"-export of a missing checkpoint", options{export: t.TempDir(), from: filepath.Join(t.TempDir(), "nothing")}, "nothing"},
		{"missing -train directory", options{train: filepath.Join(t.TempDir(), "absent"), cache: t.TempDir(), out: t.TempDir(), frames: 8, workers: 1, features: grounder.DiffusionFeatures}, "absent"},
		{"bad -features", options{train: split, cache: t.TempDir(), out: t.TempDir(), frames: 8, features: "bogus"}, "-features"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(ctx, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run(%s) error = %v, want one naming %q", tc.name, err, tc.want)
			}
		})
	}
	// -out is checked after the cache is built (-build-only needs none).
	o := tinyOptions(split, t.TempDir(), "")
	if err := run(ctx, o); err == nil || !strings.Contains(err.Error(), "-out") {
		t.Errorf("run without -out: error = %v, want one naming -out", err)
	}
	o.buildOnly = true
	if err := run(ctx, o); err != nil {
		t.Errorf("run -build-only without -out: %v", err)
	}
}

// TestGroundingOnly trains without the split's questions (-qa=false): every
// batch lacks a question, and the metrics hold no QA item.
func TestGroundingOnly(t *testing.T) {
	quiet(t)
	split, tmp := tinySplit(t), t.TempDir()
	out := filepath.Join(tmp, "run")
	o := tinyOptions(split, filepath.Join(tmp, "cache"), out)
	o.qa = false
	if err := run(context.Background(), o); err != nil {
		t.Fatalf("run -qa=false: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(out, "metrics-train.json"))
	if err != nil {
		t.Fatal(err)
	}
	var metrics struct {
		Ground, QA struct{ N int }
	}
	if err := json.Unmarshal(b, &metrics); err != nil {
		t.Fatalf("metrics-train.json: %v\n%s", err, b)
	}
	if metrics.Ground.N != 1 || metrics.QA.N != 0 {
		t.Errorf("metrics-train.json of -qa=false: %d queries and %d questions, want 1 and 0\n%s", metrics.Ground.N, metrics.QA.N, b)
	}
}
