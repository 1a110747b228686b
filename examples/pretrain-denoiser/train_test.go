package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainResume trains two steps, resumes to three and checks the saved
// state, the loss log and the progress output.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	o := options{out: dir, steps: 2, batch: 1, frames: 2, segments: 1, every: 2, logEvery: 1, lr: 1e-3, warmup: 0.05, seed: 1, tauMin: 0.02, tauMax: 0.98}
	var out bytes.Buffer
	if err := train(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	o.steps, o.resume = 3, true
	if err := train(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "last", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if st.Step != 3 {
		t.Errorf("saved step %d, want 3", st.Step)
	}
	log, err := os.ReadFile(filepath.Join(dir, "loss.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var steps int
	for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		if !strings.HasPrefix(line, "#") {
			steps++
		}
	}
	if steps != 3 {
		t.Errorf("loss.csv has %d step lines, want 3:\n%s", steps, log)
	}
	for _, want := range []string{"step 1/2", "resumed at step 2", "step 3/3", "held-out loss"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := loadDenoiser(filepath.Join(dir, "best")); err != nil {
		t.Errorf("best checkpoint: %v", err)
	}
}
