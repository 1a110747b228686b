package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/segment"
)

// TestRunOnStillPedestrians turns one frame of OpenCV's vtest.avi into a
// one-second clip and tracks "person" in it: the gate opens on every frame,
// the person track starts at frame 0 and the timeline and overlays exist.
func TestRunOnStillPedestrians(t *testing.T) {
	dir := t.TempDir()
	clip := filepath.Join(dir, "still.mp4")
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-loop", "1", "-i",
		"../../internal/cascade/testdata/vtest_f100.png", "-t", "1", "-r", "4",
		"-pix_fmt", "yuv420p", "-c:v", "libx264", "-crf", "10", clip)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the clip: %v: %s", err, out)
	}
	out := filepath.Join(dir, "out")
	stdout, err := os.Create(filepath.Join(dir, "stdout.json"))
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = stdout
	err = run(context.Background(), clip, "a person walks", out,
		grounding.VideoOptions{Frames: 4, MaxSide: 384}, 2, 2, 2, segment.DefaultCascadeDir)
	os.Stdout = saved
	stdout.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "stdout.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got outputJSON
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, raw)
	}
	if len(got.Tracks) != 1 || got.Tracks[0].Phrase != "person" {
		t.Fatalf("tracks %+v, want one for \"person\"", got.Tracks)
	}
	if got.Start != 0 || got.Span == nil {
		t.Errorf("start %d, span %v; want start 0 and a span", got.Start, got.Span)
	}
	for _, f := range []string{"timeline.png", "overlay_000.png", "overlay_002.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if err := run(context.Background(), clip, "person", out, grounding.VideoOptions{}, 0, 2, 2, segment.DefaultCascadeDir); err == nil {
		t.Error("run with -every 0 succeeded")
	}
}
