package grounding

import (
	"image"
	"image/color"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/segment"
)

func TestDrawTimeline(t *testing.T) {
	tl := Timeline{
		Times:    []float64{0, 1, 2, 3},
		Duration: 4,
		Rows:     []TimelineRow{{Label: "red ball", Values: []float64{0, 1, 1, 0}, On: []bool{false, true, true, false}}},
		Gate:     []bool{false, true, true, false},
		Spans:    []TimelineSpan{{Start: 1, End: 3, Score: 0.9}},
	}
	img, err := DrawTimeline(tl)
	if err != nil {
		t.Fatal(err)
	}
	plotW := tlWidth - tlLabel - tlMargin
	x := func(sec float64) int { return tlLabel + int(sec/4*float64(plotW)) }
	gateY := tlMargin + tlRowH + tlRowH/2
	spanY := tlMargin + 2*tlRowH + 5
	tests := []struct {
		name string
		x, y int
		want color.RGBA
	}{
		{"gate on at 1.5 s", x(1.5), gateY, tlGateColour},
		{"gate off at 0.5 s", x(0.5), gateY, tlBackground},
		{"span at 2 s", x(2), spanY, tlSpanColour},
		{"no span at 3.5 s", x(3.5), spanY, tlBackground},
	}
	for _, tc := range tests {
		if got := img.RGBAAt(tc.x, tc.y); got != tc.want {
			t.Errorf("%s: pixel (%d,%d) = %v, want %v", tc.name, tc.x, tc.y, got, tc.want)
		}
	}
	bad := []Timeline{
		{Times: nil, Duration: 1},
		{Times: []float64{0, 2}, Duration: 1},
		{Times: []float64{1, 0}, Duration: 2},
		{Times: []float64{0, 1}, Duration: 2, Gate: []bool{true}},
		{Times: []float64{0, 1}, Duration: 2, Rows: []TimelineRow{{Values: []float64{1}}}},
		{Times: []float64{3, 4}, From: 5, Duration: 4},
	}
	for i, b := range bad {
		if _, err := DrawTimeline(b); err == nil {
			t.Errorf("bad timeline %d drew without error", i)
		}
	}
}

func TestDrawOverlay(t *testing.T) {
	v := &Video{Frames: tensor.New(tensor.WithShape(2, 4, 6, 3), tensor.Of(tensor.Float32)), Times: []float64{0, 1}, Duration: 2}
	m := segment.MaskFromBox(6, 4, segment.Box{X0: 1, Y0: 1, X1: 3, Y1: 3})
	img, err := DrawOverlay(v, 1, []segment.Mask{m}, []string{"cup"})
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, 6, 4) {
		t.Fatalf("bounds %v, want 6x4", got)
	}
	if got := img.RGBAAt(5, 3); got != (color.RGBA{0, 0, 0, 255}) {
		t.Errorf("pixel outside the mask = %v, want the black frame", got)
	}
	if got := img.RGBAAt(1, 1); got != palette[0] {
		t.Errorf("pixel on the mask's box = %v, want the outline colour %v", got, palette[0])
	}
	if _, err := DrawOverlay(v, 2, nil, nil); err == nil {
		t.Error("overlay of frame 2 of 2 succeeded")
	}
	if _, err := DrawOverlay(v, 0, []segment.Mask{segment.NewMask(3, 3)}, nil); err == nil {
		t.Error("overlay with a 3x3 mask on a 6x4 frame succeeded")
	}
}
