package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/videodit/videodit/segment/learneddet"
)

func TestTrainShapes(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"-out", dir, "-videos", "2", "-eval-videos", "1", "-frames", "2", "-steps", "3", "-batch", "4", "-hidden", "8"}
	if err := run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Train   int     `json:"train_examples"`
		Heldout int     `json:"heldout_examples"`
		Acc     float64 `json:"heldout_accuracy"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if rep.Train < 1 || rep.Heldout < 1 || rep.Acc < 0 || rep.Acc > 1 {
		t.Errorf("report %+v: want examples in both splits and an accuracy in [0, 1]", rep)
	}
	m, err := learneddet.LoadShapeClassifier(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.Hidden != 8 || len(m.Config.Shapes) != 8 {
		t.Errorf("checkpoint config %+v, want 8 hidden units and the 8 benchmark shapes", m.Config)
	}
}

func TestTrainShapesFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-out", t.TempDir(), "-steps", "0"},
		{"-out", t.TempDir(), "-jitter", "-1"},
		{"-out", t.TempDir(), "-bogus"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
