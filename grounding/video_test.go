package grounding

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// testVideo writes a 2-second 10 fps clip of ffmpeg's test pattern (20
// frames, 64x48) and returns its path.
func testVideo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clip.mp4")
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10",
		"-t", "2", "-pix_fmt", "yuv420p", "-c:v", "libx264", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the test clip: %v: %s", err, out)
	}
	return path
}

func TestSampleIndices(t *testing.T) {
	tests := []struct {
		n, T int
		want []int
	}{
		{20, 4, []int{2, 7, 12, 17}},
		{4, 4, []int{0, 1, 2, 3}},
		{2, 5, []int{0, 0, 1, 1, 1}},
		{1, 3, []int{0, 0, 0}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, sampleIndices(tc.n, tc.T)); diff != "" {
			t.Errorf("sampleIndices(%d, %d) (-want +got):\n%s", tc.n, tc.T, diff)
		}
	}
}

func TestLoadVideoFile(t *testing.T) {
	path := testVideo(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		opt       VideoOptions
		wantShape []int
		wantTimes []float64
		repeated  bool
	}{
		{"subsample", VideoOptions{Frames: 4}, []int{4, 48, 64, 3}, []float64{0.2, 0.7, 1.2, 1.7}, false},
		{"downscale", VideoOptions{Frames: 2, MaxSide: 32}, []int{2, 24, 32, 3}, []float64{0.5, 1.5}, false},
		{"repeat", VideoOptions{Frames: 40}, []int{40, 48, 64, 3}, nil, true},
		{"window", VideoOptions{Frames: 2, Start: 0.5, End: 1.5}, []int{2, 48, 64, 3}, []float64{0.7, 1.2}, false},
		{"window repeat", VideoOptions{Frames: 4, Start: 1.8}, []int{4, 48, 64, 3}, []float64{1.825, 1.875, 1.925, 1.975}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := LoadVideoFile(ctx, path, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantShape, []int(v.Frames.Shape())); diff != "" {
				t.Errorf("shape (-want +got):\n%s", diff)
			}
			if tc.wantTimes != nil {
				if diff := cmp.Diff(tc.wantTimes, v.Times, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
					t.Errorf("times (-want +got):\n%s", diff)
				}
			}
			if v.Repeated != tc.repeated {
				t.Errorf("Repeated = %v, want %v", v.Repeated, tc.repeated)
			}
			if v.Duration < 1.99 || v.Duration > 2.01 {
				t.Errorf("Duration = %v, want 2", v.Duration)
			}
			for i := 1; i < len(v.Times); i++ {
				if v.Times[i] <= v.Times[i-1] {
					t.Fatalf("times not increasing: %v", v.Times)
				}
			}
			var lo, hi float32 = 1, 0
			for _, x := range v.Frames.Data().([]float32) {
				lo, hi = min(lo, x), max(hi, x)
			}
			if lo < 0 || hi > 1 || hi-lo < 0.5 {
				t.Errorf("pixel range [%v,%v], want a test pattern inside [0,1]", lo, hi)
			}
		})
	}
}

func TestLoadVideoFileBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.mp4")
	text := filepath.Join(dir, "notes.mp4")
	truncated := filepath.Join(dir, "cut.mp4")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(text, []byte("this is not a video\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(testVideo(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, whole[:len(whole)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(dir, "missing.mp4"), empty, text, truncated, dir} {
		_, err := LoadVideoFile(context.Background(), path, VideoOptions{Frames: 4})
		if !errors.Is(err, ErrBadVideo) {
			t.Errorf("LoadVideoFile(%s) error = %v, want ErrBadVideo", filepath.Base(path), err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadVideoFile(ctx, testVideo(t), VideoOptions{Frames: 4}); err == nil {
		t.Error("LoadVideoFile with a cancelled context succeeded")
	}
	for _, o := range []VideoOptions{{Frames: -1}, {Start: 2, End: 1}, {Start: -1}} {
		if _, err := LoadVideoFile(context.Background(), text, o); err == nil {
			t.Errorf("LoadVideoFile with %+v succeeded", o)
		}
	}
	if _, err := LoadVideoFile(context.Background(), testVideo(t), VideoOptions{Start: 5}); !errors.Is(err, ErrBadVideo) {
		t.Errorf("LoadVideoFile with a window past the end: error %v, want ErrBadVideo", err)
	}
}

func TestLoadFrameDir(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 3; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 4, 2))
		for p := 0; p < 8; p++ {
			img.Set(p%4, p/4, color.RGBA{uint8(100 * i), 0, 255, 255})
		}
		f, err := os.Create(filepath.Join(dir, []string{"b.png", "a.png", "c.png"}[i]))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	v, err := LoadFrameDir(context.Background(), dir, 2, VideoOptions{Frames: 3})
	if err != nil {
		t.Fatal(err)
	}
	data := v.Frames.Data().([]float32)
	// Lexical order a, b, c: red levels 100, 0, 200.
	var reds []float32
	for i := 0; i < 3; i++ {
		reds = append(reds, data[i*4*2*3])
	}
	if diff := cmp.Diff([]float32{100.0 / 255, 0, 200.0 / 255}, reds, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("red of each frame (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{0, 0.5, 1}, v.Times); diff != "" {
		t.Errorf("times (-want +got):\n%s", diff)
	}
	if _, err := LoadFrameDir(context.Background(), t.TempDir(), 2, VideoOptions{}); !errors.Is(err, ErrBadVideo) {
		t.Errorf("empty folder: error %v, want ErrBadVideo", err)
	}
}

func TestFromImagesBadInput(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 4, 4))
	b := image.NewRGBA(image.Rect(0, 0, 5, 4))
	tests := []struct {
		name  string
		imgs  []image.Image
		times []float64
	}{
		{"none", nil, nil},
		{"count", []image.Image{a}, []float64{0, 1}},
		{"size", []image.Image{a, b}, []float64{0, 1}},
		{"order", []image.Image{a, a}, []float64{1, 0}},
	}
	for _, tc := range tests {
		if _, err := FromImages(tc.imgs, tc.times, 0); !errors.Is(err, ErrBadVideo) {
			t.Errorf("%s: error %v, want ErrBadVideo", tc.name, err)
		}
	}
}
