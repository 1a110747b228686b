package segment

import (
	"context"
	"math"
	"testing"

	"gorgonia.org/tensor"
)

// motionScene renders T frames of w x h pixels where one object moves
// with a known rigid motion, and the object's true mask in every frame.
type motionScene struct {
	name       string
	w, h, T    int
	textured   bool    // object and background carry a texture (else flat colours)
	shape      string  // "disk" or "square"
	size       float64 // disk radius or half side, pixels
	cx, cy     float64 // object centre at frame 0
	dx, dy     float64 // translation per frame, pixels
	dtheta     float64 // rotation per frame, radians
	wantMinIoU float64
}

// texture is a smooth deterministic colour pattern.
func texture(x, y float64, phase float64) [3]float32 {
	return [3]float32{
		float32(0.5 + 0.25*math.Sin(0.31*x+phase) + 0.2*math.Cos(0.23*y-2*phase)),
		float32(0.5 + 0.25*math.Sin(0.17*x+0.29*y+phase)),
		float32(0.5 + 0.2*math.Cos(0.41*y+0.13*x-phase) + 0.2*math.Sin(0.07*x*y/16)),
	}
}

// render draws the frames anti-aliased (2 x 2 samples per pixel, as a
// camera integrates light over a pixel): the true mask holds the pixels at
// least half covered by the object.
func (s motionScene) render() (*tensor.Dense, []Mask) {
	const ss = 2
	data := make([]float32, s.T*s.h*s.w*3)
	masks := make([]Mask, s.T)
	for t := range s.T {
		cx, cy := s.cx+s.dx*float64(t), s.cy+s.dy*float64(t)
		th := s.dtheta * float64(t)
		cos, sin := math.Cos(th), math.Sin(th)
		masks[t] = NewMask(s.w, s.h)
		for y := range s.h {
			for x := range s.w {
				var acc [3]float32
				covered := 0
				for sy := range ss {
					for sx := range ss {
						fx := float64(x) + (float64(sx)+0.5)/ss - 0.5
						fy := float64(y) + (float64(sy)+0.5)/ss - 0.5
						// Object coordinates of the sample.
						px, py := fx-cx, fy-cy
						ox, oy := cos*px+sin*py, -sin*px+cos*py
						in := false
						switch s.shape {
						case "disk":
							in = ox*ox+oy*oy <= s.size*s.size
						case "square":
							in = math.Abs(ox) <= s.size && math.Abs(oy) <= s.size
						}
						var c [3]float32
						switch {
						case in && s.textured:
							c = texture(3*ox+40, 3*oy+40, 1.3)
						case in:
							c = [3]float32{0.9, 0.15, 0.1}
						case s.textured:
							c = texture(fx, fy, 0)
						default:
							c = [3]float32{0.2, 0.25, 0.3}
						}
						if in {
							covered++
						}
						for k := range 3 {
							acc[k] += c[k] / (ss * ss)
						}
					}
				}
				copy(data[((t*s.h+y)*s.w+x)*3:], acc[:])
				masks[t].Set(x, y, 2*covered >= ss*ss)
			}
		}
	}
	return tensor.New(tensor.WithShape(s.T, s.h, s.w, 3), tensor.WithBacking(data)), masks
}

// TestFlowTrackerKnownMotion is the acceptance: synthetic
// translations and rotations with known motion keep IoU >= 0.8 after 50
// frames.
func TestFlowTrackerKnownMotion(t *testing.T) {
	scenes := []motionScene{
		{name: "textured disk translating", w: 64, h: 48, T: 51, textured: true, shape: "disk", size: 9, cx: 14, cy: 14, dx: 0.7, dy: 0.35, wantMinIoU: 0.8},
		{name: "textured square rotating", w: 48, h: 48, T: 51, textured: true, shape: "square", size: 10, cx: 24, cy: 24, dtheta: 0.03, wantMinIoU: 0.8},
		{name: "textured square rotating and translating", w: 64, h: 48, T: 51, textured: true, shape: "square", size: 8, cx: 14, cy: 22, dx: 0.7, dy: 0.1, dtheta: -0.02, wantMinIoU: 0.8},
		{name: "flat square translating fast", w: 96, h: 40, T: 51, shape: "square", size: 6, cx: 10, cy: 12, dx: 1.5, dy: 0.3, wantMinIoU: 0.8},
	}
	for _, s := range scenes {
		t.Run(s.name, func(t *testing.T) {
			frames, truth := s.render()
			tr := &FlowTracker{}
			out, err := tr.Track(context.Background(), frames, 0, []Mask{truth[0]}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != 1 || len(out[0]) != s.T {
				t.Fatalf("got %d tracks of %d masks, want 1 of %d", len(out), len(out[0]), s.T)
			}
			iou, err := out[0][s.T-1].IoU(truth[s.T-1])
			if err != nil {
				t.Fatal(err)
			}
			if iou < s.wantMinIoU {
				t.Errorf("IoU after %d frames = %.3f, want >= %.2f", s.T-1, iou, s.wantMinIoU)
			}
			t.Logf("IoU after %d frames: %.3f", s.T-1, iou)
		})
	}
}

// TestFlowTrackerTinyFrames runs the tracker on frames smaller than its
// pyramid and window: the masks come back with the right shapes.
func TestFlowTrackerTinyFrames(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {2, 3}, {5, 4}, {7, 9}} {
		h, w := sz[0], sz[1]
		T := 4
		data := make([]float32, T*h*w*3)
		for i := range data {
			data[i] = float32(i%7) / 7
		}
		frames := tensor.New(tensor.WithShape(T, h, w, 3), tensor.WithBacking(data))
		seed := MaskFromBox(w, h, Box{X0: 0, Y0: 0, X1: (w + 1) / 2, Y1: (h + 1) / 2})
		out, err := (&FlowTracker{}).Track(context.Background(), frames, 0, []Mask{seed, NewMask(w, h)}, nil)
		if err != nil {
			t.Fatalf("%dx%d: %v", w, h, err)
		}
		for i, tr := range out {
			if len(tr) != T {
				t.Fatalf("%dx%d: track %d has %d masks, want %d", w, h, i, len(tr), T)
			}
			for f, m := range tr {
				if m.Width() != w || m.Height() != h {
					t.Errorf("%dx%d: track %d frame %d is %dx%d", w, h, i, f, m.Width(), m.Height())
				}
			}
		}
	}
}
