package grounding

import (
	"errors"
	"fmt"
	"image"
	"math"

	"gorgonia.org/tensor"
)

// DefaultFrames is the number of frames T a video is sampled to (paper: 96).
const DefaultFrames = 96

// ErrBadVideo is wrapped by every error about an unusable video input: a
// missing, empty, truncated or non-video file, zero frames, frames of
// different sizes, times that are not finite and increasing.
var ErrBadVideo = errors.New("bad video")

// Video is a clip sampled to T frames, the input every stage reads.
type Video struct {
	// Frames is a float32 tensor of shape (T,H,W,3): frame, row, column,
	// RGB, values in [0,1].
	Frames *tensor.Dense
	// Times holds the time in seconds of each frame, increasing (T values).
	Times []float64
	// Duration is the length of the source in seconds (at least the last
	// frame's time).
	Duration float64
	// Repeated reports that the source had fewer than T frames, so some
	// frames appear more than once (sampling with repetition).
	Repeated bool
	// Source names where the frames came from (a path, or "images").
	Source string
}

// T is the number of frames.
func (v *Video) T() int { return v.Frames.Shape()[0] }

// FromImages builds a Video from in-memory images and their times in
// seconds (increasing, finite, one per image). All images must have the
// same size. duration is the clip length in seconds; 0 means the last time
// plus the median frame interval (or 1 s for a single image).
func FromImages(imgs []image.Image, times []float64, duration float64) (*Video, error) {
	if len(imgs) == 0 {
		return nil, fmt.Errorf("grounding: images: %w: zero frames", ErrBadVideo)
	}
	if len(times) != len(imgs) {
		return nil, fmt.Errorf("grounding: images: %w: %d times for %d images", ErrBadVideo, len(times), len(imgs))
	}
	for i, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) || (i > 0 && t <= times[i-1]) {
			return nil, fmt.Errorf("grounding: images: %w: time %d (%v) is not finite and increasing", ErrBadVideo, i, t)
		}
	}
	b0 := imgs[0].Bounds()
	w, h := b0.Dx(), b0.Dy()
	if w == 0 || h == 0 {
		return nil, fmt.Errorf("grounding: images: %w: image 0 is empty", ErrBadVideo)
	}
	data := make([]float32, len(imgs)*h*w*3)
	for i, img := range imgs {
		b := img.Bounds()
		if b.Dx() != w || b.Dy() != h {
			return nil, fmt.Errorf("grounding: images: %w: image %d is %dx%d, image 0 is %dx%d", ErrBadVideo, i, b.Dx(), b.Dy(), w, h)
		}
		putImage(data[i*h*w*3:(i+1)*h*w*3], img)
	}
	if duration == 0 {
		duration = times[len(times)-1] + medianStep(times)
	}
	if !(duration >= times[len(times)-1]) || math.IsInf(duration, 0) {
		return nil, fmt.Errorf("grounding: images: %w: duration %v before the last frame time %v", ErrBadVideo, duration, times[len(times)-1])
	}
	return &Video{
		Frames:   tensor.New(tensor.WithShape(len(imgs), h, w, 3), tensor.WithBacking(data)),
		Times:    append([]float64(nil), times...),
		Duration: duration,
		Source:   "images",
	}, nil
}

// putImage writes img's pixels as RGB floats in [0,1], row-major, into dst.
func putImage(dst []float32, img image.Image) {
	b := img.Bounds()
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			dst[i] = float32(r) / 65535
			dst[i+1] = float32(g) / 65535
			dst[i+2] = float32(bl) / 65535
			i += 3
		}
	}
}

func medianStep(times []float64) float64 {
	if len(times) < 2 {
		return 1
	}
	steps := make([]float64, len(times)-1)
	for i := range steps {
		steps[i] = times[i+1] - times[i]
	}
	// Small n: insertion sort keeps this dependency-free and exact.
	for i := 1; i < len(steps); i++ {
		for j := i; j > 0 && steps[j] < steps[j-1]; j-- {
			steps[j], steps[j-1] = steps[j-1], steps[j]
		}
	}
	return steps[len(steps)/2]
}

// sampleIndices picks T of n source frames uniformly: index
// floor((i+0.5) n / T) for i in [0,T), so each pick is the frame at the
// middle of its 1/T of the clip. With n < T some indices repeat.
func sampleIndices(n, T int) []int {
	idx := make([]int, T)
	for i := range idx {
		idx[i] = min(int((float64(i)+0.5)*float64(n)/float64(T)), n-1)
	}
	return idx
}
