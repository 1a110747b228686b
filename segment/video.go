package segment

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// clip is a validated view of a (T,H,W,3) float32 frame tensor: pixel
// (t, y, x) channel c is data[((t*h+y)*w+x)*3+c].
type clip struct {
	t, h, w int
	data    []float32
}

// frame returns the H*W*3 values of frame t, row-major, RGB interleaved.
func (c clip) frame(t int) []float32 {
	n := c.h * c.w * 3
	return c.data[t*n : (t+1)*n]
}

// readClip checks that frames is a float32 tensor of shape (T,H,W,3) with
// T, H, W >= 1 and finite values, and returns its data in row-major order.
// Errors wrap ErrBadVideo.
func readClip(frames *tensor.Dense) (clip, error) {
	if frames == nil {
		return clip{}, fmt.Errorf("%w: frames are nil", ErrBadVideo)
	}
	if frames.Dtype() != tensor.Float32 {
		return clip{}, fmt.Errorf("%w: frames have dtype %v, want float32", ErrBadVideo, frames.Dtype())
	}
	s := frames.Shape()
	if len(s) != 4 || s[3] != 3 {
		return clip{}, fmt.Errorf("%w: frames have shape %v, want (T,H,W,3)", ErrBadVideo, s)
	}
	if s[0] < 1 || s[1] < 1 || s[2] < 1 {
		return clip{}, fmt.Errorf("%w: frames have shape %v: zero frames or an empty frame", ErrBadVideo, s)
	}
	if frames.RequiresIterator() || frames.IsMaterializable() {
		m, ok := frames.Materialize().(*tensor.Dense)
		if !ok {
			return clip{}, fmt.Errorf("%w: frames cannot be materialised", ErrBadVideo)
		}
		frames = m
	}
	data, ok := frames.Data().([]float32)
	if !ok || len(data) != s.TotalSize() {
		return clip{}, fmt.Errorf("%w: frames hold %d values, want %d", ErrBadVideo, len(data), s.TotalSize())
	}
	for i, v := range data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return clip{}, fmt.Errorf("%w: frame %d holds a non-finite value", ErrBadVideo, i/(s[1]*s[2]*3))
		}
	}
	return clip{t: s[0], h: s[1], w: s[2], data: data}, nil
}

// checkTimes checks that times is nil or holds T finite, increasing values.
func checkTimes(times []float64, T int) error {
	if times == nil {
		return nil
	}
	if len(times) != T {
		return fmt.Errorf("%w: %d times for %d frames", ErrBadVideo, len(times), T)
	}
	for i, v := range times {
		if math.IsNaN(v) || math.IsInf(v, 0) || (i > 0 && v <= times[i-1]) {
			return fmt.Errorf("%w: time %d (%v) is not finite and increasing", ErrBadVideo, i, v)
		}
	}
	return nil
}
