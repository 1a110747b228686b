package segmenttest

import (
	"context"
	"errors"
	"testing"

	"github.com/videodit/videodit/segment"
	"gorgonia.org/tensor"
)

// staticVideo is T identical frames of a red square on grey, and the
// square's mask.
func staticVideo(T, h, w int) (*tensor.Dense, segment.Mask) {
	data := make([]float32, T*h*w*3)
	m := segment.MaskFromBox(w, h, segment.Box{X0: w / 4, Y0: h / 4, X1: w / 2, Y1: h / 2})
	for t := range T {
		for y := range h {
			for x := range w {
				c := [3]float32{0.5, 0.5, 0.5}
				if m.At(x, y) {
					c = [3]float32{0.9, 0.1, 0.1}
				}
				copy(data[((t*h+y)*w+x)*3:], c[:])
			}
		}
	}
	return tensor.New(tensor.WithShape(T, h, w, 3), tensor.WithBacking(data)), m
}

// RunTracker checks the contract of segment.Tracker on tr: out[i] holds
// T-start masks of the frames' size starting with the seed; a static video
// keeps the mask (IoU >= 0.9) and an empty seed empty; reseed is called
// once per frame after start, in order, and what it returns is kept and
// propagated; tracking from the last frame gives the seeds alone; a bad
// start, a seed of another size, a reseed returning the wrong number of
// masks, bad frames and a cancelled context are errors, never panics.
func RunTracker(t *testing.T, tr segment.Tracker) {
	t.Helper()
	ctx := context.Background()
	const T, h, w = 6, 32, 40
	frames, m := staticVideo(T, h, w)
	empty := segment.NewMask(w, h)
	t.Run("Static", func(t *testing.T) {
		out, err := tr.Track(ctx, frames, 1, []segment.Mask{m, empty}, nil)
		if err != nil {
			t.Fatalf("Track: %v", err)
		}
		if len(out) != 2 || len(out[0]) != T-1 || len(out[1]) != T-1 {
			t.Fatalf("Track returned %d tracks (want 2) of lengths %v (want %d)", len(out), lens(out), T-1)
		}
		if !out[0][0].Equal(m) || !out[1][0].Equal(empty) {
			t.Errorf("first masks differ from the seeds")
		}
		for j := range out[0] {
			if iou, err := out[0][j].IoU(m); err != nil || iou < 0.9 {
				t.Errorf("static frame %d: IoU %.3f (err %v), want >= 0.9", 1+j, iou, err)
			}
			if out[1][j].Area() != 0 {
				t.Errorf("static frame %d: the empty seed grew to %d pixels", 1+j, out[1][j].Area())
			}
		}
	})
	t.Run("Reseed", func(t *testing.T) {
		other := segment.MaskFromBox(w, h, segment.Box{X0: 1, Y0: 1, X1: 9, Y1: 7})
		var calls []int
		reseed := func(f int, ms []segment.Mask) []segment.Mask {
			calls = append(calls, f)
			if len(ms) != 1 {
				t.Errorf("reseed got %d masks, want 1", len(ms))
			}
			if f == 3 {
				return []segment.Mask{other}
			}
			return ms
		}
		out, err := tr.Track(ctx, frames, 0, []segment.Mask{m}, reseed)
		if err != nil {
			t.Fatalf("Track: %v", err)
		}
		if want := []int{1, 2, 3, 4, 5}; !equalInts(calls, want) {
			t.Errorf("reseed called at %v, want %v", calls, want)
		}
		if len(out) != 1 || len(out[0]) != T {
			t.Fatalf("Track returned lengths %v, want [%d]", lens(out), T)
		}
		if !out[0][3].Equal(other) {
			t.Errorf("frame 3 does not hold the reseeded mask")
		}
		if iou, _ := out[0][5].IoU(other); iou < 0.5 {
			t.Errorf("frame 5: IoU with the reseeded mask %.3f, want >= 0.5: the tracker did not continue from it", iou)
		}
	})
	t.Run("LastFrame", func(t *testing.T) {
		out, err := tr.Track(ctx, frames, T-1, []segment.Mask{m}, nil)
		if err != nil || len(out) != 1 || len(out[0]) != 1 || !out[0][0].Equal(m) {
			t.Errorf("Track from the last frame = lengths %v, %v; want the seed alone", lens(out), err)
		}
	})
	t.Run("NoSeeds", func(t *testing.T) {
		out, err := tr.Track(ctx, frames, 0, nil, nil)
		if err != nil || len(out) != 0 {
			t.Errorf("Track with no seeds = %d tracks, %v; want 0, nil", len(out), err)
		}
	})
	t.Run("BadInput", func(t *testing.T) {
		cases := map[string]func() error{
			"start -1": func() error { _, err := tr.Track(ctx, frames, -1, []segment.Mask{m}, nil); return err },
			"start T":  func() error { _, err := tr.Track(ctx, frames, T, []segment.Mask{m}, nil); return err },
			"seed size": func() error {
				_, err := tr.Track(ctx, frames, 0, []segment.Mask{segment.NewMask(w+1, h)}, nil)
				return err
			},
			"reseed count": func() error {
				_, err := tr.Track(ctx, frames, 0, []segment.Mask{m}, func(int, []segment.Mask) []segment.Mask { return nil })
				return err
			},
			"reseed size": func() error {
				_, err := tr.Track(ctx, frames, 0, []segment.Mask{m}, func(int, []segment.Mask) []segment.Mask { return []segment.Mask{segment.NewMask(3, 3)} })
				return err
			},
		}
		for name, f := range badFrames() {
			cases[name+" frames"] = func() error { _, err := tr.Track(ctx, f, 0, []segment.Mask{m}, nil); return err }
		}
		for name, f := range cases {
			if f() == nil {
				t.Errorf("%s: no error", name)
			}
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := tr.Track(c, frames, 0, []segment.Mask{m}, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Track with a cancelled context: error %v, want context.Canceled", err)
		}
	})
}

func lens(out [][]segment.Mask) []int {
	n := make([]int, len(out))
	for i, o := range out {
		n[i] = len(o)
	}
	return n
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
