package segmenttest

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/segment"
	"gorgonia.org/tensor"
)

// RunDetector checks the contract of segment.Detector on d with the video
// frames (T,H,W,3) and phrases: one list per phrase and one entry per
// frame; every proposal has an H x W mask, a box inside the frame and a
// score in [0,1]; two calls agree; no phrases give an empty result; a
// cancelled context and nil or misshapen frames are errors, never panics.
func RunDetector(t *testing.T, d segment.Detector, frames *tensor.Dense, phrases []segment.Phrase) {
	t.Helper()
	ctx := context.Background()
	s := frames.Shape()
	T, h, w := s[0], s[1], s[2]
	t.Run("Proposals", func(t *testing.T) {
		got, err := d.Detect(ctx, frames, phrases)
		if err != nil {
			t.Fatalf("Detect: %v", err)
		}
		if len(got) != len(phrases) {
			t.Fatalf("Detect returned %d lists for %d phrases", len(got), len(phrases))
		}
		for i, pp := range got {
			if len(pp) != T {
				t.Fatalf("phrase %q: %d frames, want %d", phrases[i].Text, len(pp), T)
			}
			for f, ps := range pp {
				for k, p := range ps {
					if p.Mask.Width() != w || p.Mask.Height() != h {
						t.Errorf("phrase %q frame %d proposal %d: mask %dx%d, want %dx%d", phrases[i].Text, f, k, p.Mask.Width(), p.Mask.Height(), w, h)
					}
					if math.IsNaN(p.Score) || p.Score < 0 || p.Score > 1 {
						t.Errorf("phrase %q frame %d proposal %d: score %v outside [0,1]", phrases[i].Text, f, k, p.Score)
					}
					if b := p.Box; b.X0 < 0 || b.Y0 < 0 || b.X1 > w || b.Y1 > h {
						t.Errorf("phrase %q frame %d proposal %d: box %+v outside the %dx%d frame", phrases[i].Text, f, k, b, w, h)
					}
				}
			}
		}
		again, err := d.Detect(ctx, frames, phrases)
		if err != nil {
			t.Fatalf("second Detect: %v", err)
		}
		if diff := cmp.Diff(got, again, cmp.Comparer(func(a, b segment.Mask) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("Detect is not deterministic (-first +second):\n%s", diff)
		}
	})
	t.Run("NoPhrases", func(t *testing.T) {
		got, err := d.Detect(ctx, frames, nil)
		if err != nil || len(got) != 0 {
			t.Errorf("Detect with no phrases = %d lists, %v; want 0, nil", len(got), err)
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := d.Detect(c, frames, phrases); !errors.Is(err, context.Canceled) {
			t.Errorf("Detect with a cancelled context: error %v, want context.Canceled", err)
		}
	})
	t.Run("BadFrames", func(t *testing.T) {
		for name, f := range badFrames() {
			if _, err := d.Detect(ctx, f, phrases); err == nil {
				t.Errorf("Detect on %s frames: no error", name)
			}
		}
	})
}

// badFrames are frame tensors every stage must refuse.
func badFrames() map[string]*tensor.Dense {
	return map[string]*tensor.Dense{
		"nil":        nil,
		"float64":    tensor.New(tensor.WithShape(2, 8, 8, 3), tensor.Of(tensor.Float64)),
		"3-D":        tensor.New(tensor.WithShape(8, 8, 3), tensor.Of(tensor.Float32)),
		"4 channels": tensor.New(tensor.WithShape(2, 8, 8, 4), tensor.Of(tensor.Float32)),
	}
}
