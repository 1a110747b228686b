package segmenttest

import (
	"math"

	"github.com/videodit/videodit/segment"
	"gorgonia.org/tensor"
)

// Clip is a small synthetic video with exact ground truth: a red square
// crossing the frame from left to right in every frame, and a blue disk
// standing still from frame T/3 on. Query names them ("the red square
// moves past the blue circle").
type Clip struct {
	Video segment.Video
	// Masks maps a phrase text ("red square", "blue circle") to its true
	// mask in every frame (empty where absent).
	Masks map[string][]segment.Mask
	// Query mentions both entities.
	Query string
}

// NewClip renders a Clip of T frames of w x h pixels (at least 1 frame of
// 16 x 16), 10 frames per second: frame t is at t/10 seconds.
func NewClip(T, h, w int) Clip {
	T, h, w = max(T, 1), max(h, 16), max(w, 16)
	data := make([]float32, T*h*w*3)
	sq := make([]segment.Mask, T)
	disk := make([]segment.Mask, T)
	times := make([]float64, T)
	side := max(h/5, 3)
	r := float64(max(h/6, 2))
	cx, cy := 0.7*float64(w), 0.65*float64(h)
	for t := range T {
		times[t] = float64(t) / 10
		sq[t], disk[t] = segment.NewMask(w, h), segment.NewMask(w, h)
		x0 := int(math.Round(float64(w-side) * float64(t) / float64(max(T-1, 1))))
		y0 := h / 6
		for y := range h {
			for x := range w {
				c := [3]float32{0.85, 0.85, 0.8}
				dx, dy := float64(x)-cx, float64(y)-cy
				if t >= T/3 && dx*dx+dy*dy <= r*r {
					c = [3]float32{0.1, 0.2, 0.9}
					disk[t].Set(x, y, true)
				}
				if x >= x0 && x < x0+side && y >= y0 && y < y0+side {
					c = [3]float32{0.9, 0.1, 0.1}
					sq[t].Set(x, y, true)
					disk[t].Set(x, y, false)
				}
				copy(data[((t*h+y)*w+x)*3:], c[:])
			}
		}
	}
	return Clip{
		Video: segment.Video{
			Frames: tensor.New(tensor.WithShape(T, h, w, 3), tensor.WithBacking(data)),
			Times:  times,
		},
		Masks: map[string][]segment.Mask{"red square": sq, "blue circle": disk},
		Query: "the red square moves past the blue circle",
	}
}
