package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"math/rand/v2"

	"github.com/google/go-cmp/cmp"
)

// TestResumeReproduces trains 2 steps, resumes to 3, and requires the
// weights to equal those of an uninterrupted 3-step run (batch k depends
// only on the seed and k).
func TestResumeReproduces(t *testing.T) {
	ctx := context.Background()
	tiny := []string{"-seed", "3", "-frames", "1", "-phrases", "2", "-every", "1", "-log-every", "1", "-min-duration", "1", "-max-duration", "2"}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	var log bytes.Buffer
	if err := run(ctx, append([]string{"-out", a, "-steps", "3"}, tiny...), &log, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if err := run(ctx, append([]string{"-out", b, "-steps", "3", "-stop", "2"}, tiny...), &log, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if err := run(ctx, append([]string{"-out", b, "-steps", "3", "-resume"}, tiny...), &log, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "resumed "+b+" at step 2") {
		t.Errorf("log does not report the resume:\n%s", log.String())
	}
	for _, f := range []string{"model.safetensors", stateFile} {
		wa, err := os.ReadFile(filepath.Join(a, f))
		if err != nil {
			t.Fatal(err)
		}
		wb, err := os.ReadFile(filepath.Join(b, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wa, wb) {
			t.Errorf("%s differs between the straight and the resumed run", f)
		}
	}
}

func TestFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{},                             // no -out
		{"-out", "x", "-steps", "0"},   // no steps
		{"-out", "x", "-phrases", "1"}, // fewer than 2 phrases
		{"-out", "x", "extra"},         // stray argument
		{"-out", "x", "-shape-negatives", "1.5"},
		{"-out", "x", "-init", "/nonexistent/dir"},
		{"-eval", "-weights", "/nonexistent/dir"},
	} {
		var log bytes.Buffer
		if err := run(context.Background(), args, &log, &log); err == nil {
			t.Errorf("run(%q): no error", args)
		}
	}
}

func TestBestThreshold(t *testing.T) {
	s := []scoredPhrase{{0.9, true}, {0.7, true}, {0.6, false}, {0.3, false}, {0.65, true}}
	tau, acc := bestThreshold(s)
	if diff := cmp.Diff([]float64{0.61, 1}, []float64{tau, acc}); diff != "" {
		t.Errorf("bestThreshold (-want +got):\n%s", diff)
	}
}

func TestPresenceStats(t *testing.T) {
	for _, tc := range []struct {
		name               string
		s                  []scoredPhrase
		acc, balanced, auc float64
	}{
		{"separated", []scoredPhrase{{0.9, true}, {0.8, true}, {0.2, false}, {0.1, false}}, 1, 1, 1},
		{"reversed", []scoredPhrase{{0.1, true}, {0.9, false}}, 0, 0, 0},
		{"tie", []scoredPhrase{{0.5, true}, {0.5, false}}, 0.5, 0.5, 0.5},
		{"imbalanced", []scoredPhrase{{0.6, true}, {0.4, false}, {0.3, false}, {0.7, false}}, 0.75, 0.8333333333333333, 2.0 / 3},
	} {
		acc, balanced, auc := presenceStats(tc.s, 0.5)
		if diff := cmp.Diff([]float64{tc.acc, tc.balanced, tc.auc}, []float64{acc, balanced, auc}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestShapeNegatives checks that -shape-negatives 1 draws only phrases of a
// visible entity's colour and another shape, and that 0 keeps the original
// mix (which also changes colours).
func TestShapeNegatives(t *testing.T) {
	ent := func(size, colour, shape string) entity {
		return entity{size: size, colour: colour, shape: shape, area: minArea}
	}
	f := &frame{ents: []entity{ent("small", "blue", "square"), ent("large", "red", "circle"), ent("small", "green", "star")}}
	for _, tc := range []struct {
		shapeNeg  float64
		wantOnly  bool // every negative keeps an entity's colour and changes its shape
		wantOther bool // some negative is not of that kind
	}{
		{1, true, false},
		{0, false, true},
	} {
		r := rand.New(rand.NewPCG(7, 0))
		only, other := true, false
		for range 200 {
			q := negative(r, f, tc.shapeNeg)
			kind := false
			for _, e := range f.ents {
				if q.unknown == "" && q.colour == e.colour && q.shape != "" && q.shape != e.shape && (q.size == "" || q.size == e.size) {
					kind = true
				}
			}
			only = only && kind
			other = other || !kind
		}
		if only != tc.wantOnly || other != tc.wantOther {
			t.Errorf("shapeNeg %v: all same-colour-other-shape %v, some other %v; want %v, %v", tc.shapeNeg, only, other, tc.wantOnly, tc.wantOther)
		}
	}
}

// TestInitFineTunes starts a run from another run's checkpoint and requires
// its first step to begin from those weights: a 0-learning-rate step (no
// weight decay) leaves them unchanged.
func TestInitFineTunes(t *testing.T) {
	ctx := context.Background()
	tiny := []string{"-seed", "3", "-frames", "1", "-phrases", "2", "-every", "1", "-log-every", "1", "-min-duration", "1", "-max-duration", "2"}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	var log bytes.Buffer
	if err := run(ctx, append([]string{"-out", a, "-steps", "1"}, tiny...), &log, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if err := run(ctx, append([]string{"-out", b, "-steps", "1", "-init", a, "-lr", "0", "-wd", "0", "-shape-negatives", "1"}, tiny...), &log, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	wa, err := os.ReadFile(filepath.Join(a, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	wb, err := os.ReadFile(filepath.Join(b, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wa, wb) {
		t.Errorf("a 0-learning-rate step from -init %s changed the weights", a)
	}
}
