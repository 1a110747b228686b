package grounding

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/videodit/videodit/segment"
)

// TimelineRow is one labelled row of a timeline: a value per frame in
// [0,1] (a detection score, a presence), drawn as a bar whose darkness
// follows the value; frames where On is true get a solid mark.
type TimelineRow struct {
	Label  string
	Values []float64 // one per frame, or nil
	On     []bool    // one per frame, or nil
}

// TimelineSpan is an interval in seconds with an optional score.
type TimelineSpan struct {
	Start, End float64
	Score      float64
}

// Timeline is what DrawTimeline draws, left to right over [From, Duration]
// seconds: per-entity rows, the gate g_t, the predicted spans (ranked, the
// first drawn strongest) and an optional ground-truth span.
type Timeline struct {
	Times    []float64 // frame times in seconds, increasing, inside [From, Duration]
	From     float64   // the left edge in seconds, usually 0
	Duration float64   // the right edge in seconds
	Rows     []TimelineRow
	Gate     []bool // g_t, one per frame, or nil
	Spans    []TimelineSpan
	Truth    *TimelineSpan
}

const (
	tlWidth  = 960
	tlLabel  = 150
	tlRowH   = 18
	tlMargin = 6
)

var (
	tlBackground = color.RGBA{250, 250, 250, 255}
	tlInk        = color.RGBA{30, 30, 30, 255}
	tlGrid       = color.RGBA{220, 220, 220, 255}
	tlRowColour  = color.RGBA{40, 90, 200, 255}
	tlGateColour = color.RGBA{20, 150, 60, 255}
	tlSpanColour = color.RGBA{220, 60, 40, 255}
	tlTruth      = color.RGBA{120, 120, 120, 255}
)

// DrawTimeline renders a timeline as an image 960 pixels wide. Frame t
// covers [Times[t], Times[t+1]) (the last one up to Duration). It is an
// error when a per-frame slice has another length than Times, or times are
// not increasing inside [0, Duration].
func DrawTimeline(tl Timeline) (*image.RGBA, error) {
	T := len(tl.Times)
	if T == 0 || !(tl.Duration > tl.From) || tl.From < 0 || math.IsInf(tl.Duration, 0) {
		return nil, fmt.Errorf("grounding: timeline needs frame times and a range From < Duration, got %d times and [%v, %v] s", T, tl.From, tl.Duration)
	}
	for i, t := range tl.Times {
		if t < tl.From || t > tl.Duration || (i > 0 && t <= tl.Times[i-1]) {
			return nil, fmt.Errorf("grounding: timeline time %d (%v s) not increasing inside [%v, %v]", i, t, tl.From, tl.Duration)
		}
	}
	for _, r := range tl.Rows {
		if (r.Values != nil && len(r.Values) != T) || (r.On != nil && len(r.On) != T) {
			return nil, fmt.Errorf("grounding: timeline row %q has %d values and %d marks for %d frames", r.Label, len(r.Values), len(r.On), T)
		}
	}
	if tl.Gate != nil && len(tl.Gate) != T {
		return nil, fmt.Errorf("grounding: timeline gate has %d frames, want %d", len(tl.Gate), T)
	}
	rows := len(tl.Rows) + 3 // entity rows, gate, spans, axis
	img := image.NewRGBA(image.Rect(0, 0, tlWidth, rows*tlRowH+2*tlMargin))
	draw.Draw(img, img.Bounds(), &image.Uniform{tlBackground}, image.Point{}, draw.Src)
	plotW := tlWidth - tlLabel - tlMargin
	xOf := func(sec float64) int {
		sec = math.Max(tl.From, math.Min(tl.Duration, sec))
		return tlLabel + int(math.Round((sec-tl.From)/(tl.Duration-tl.From)*float64(plotW)))
	}
	frameEnd := func(t int) float64 {
		if t+1 < T {
			return tl.Times[t+1]
		}
		return tl.Duration
	}
	rowY := func(i int) int { return tlMargin + i*tlRowH }
	fill := func(x0, y0, x1, y1 int, c color.Color) {
		if x1 <= x0 {
			x1 = x0 + 1
		}
		draw.Draw(img, image.Rect(x0, y0, x1, y1), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	// Grid lines every 5 s (or every 1 s for short clips).
	step := 5.0
	if tl.Duration-tl.From < 10 {
		step = 1
	}
	for s := math.Ceil(tl.From/step) * step; s <= tl.Duration+1e-9; s += step {
		x := xOf(s)
		fill(x, tlMargin, x+1, rowY(rows-1), tlGrid)
		label(img, x+2, rowY(rows-1)+13, fmt.Sprintf("%gs", s), tlInk)
	}
	for i, r := range tl.Rows {
		y := rowY(i)
		label(img, tlMargin, y+13, r.Label, tlInk)
		for t := 0; t < T; t++ {
			x0, x1 := xOf(tl.Times[t]), xOf(frameEnd(t))
			if r.Values != nil {
				v := math.Max(0, math.Min(1, r.Values[t]))
				fill(x0, y+10, x1, y+tlRowH-2, blend(tlBackground, tlRowColour, v))
			}
			if r.On != nil && r.On[t] {
				fill(x0, y+3, x1, y+9, tlRowColour)
			}
		}
	}
	gy := rowY(len(tl.Rows))
	label(img, tlMargin, gy+13, "gate g_t", tlInk)
	for t := 0; t < len(tl.Gate); t++ {
		if tl.Gate[t] {
			fill(xOf(tl.Times[t]), gy+3, xOf(frameEnd(t)), gy+tlRowH-3, tlGateColour)
		}
	}
	sy := rowY(len(tl.Rows) + 1)
	label(img, tlMargin, sy+13, "spans", tlInk)
	if tl.Truth != nil {
		fill(xOf(tl.Truth.Start), sy+tlRowH-5, xOf(tl.Truth.End), sy+tlRowH-2, tlTruth)
	}
	for i := len(tl.Spans) - 1; i >= 0; i-- {
		s := tl.Spans[i]
		c := tlSpanColour
		if i > 0 {
			c = blend(tlBackground, tlSpanColour, 0.35)
		}
		fill(xOf(s.Start), sy+3, xOf(s.End), sy+tlRowH-6, c)
	}
	return img, nil
}

// DrawOverlay renders frame t of v with each mask tinted in its own colour
// and its box outlined, labelled with labels[i] when given. Masks must have
// the frame's size.
func DrawOverlay(v *Video, t int, masks []segment.Mask, labels []string) (*image.RGBA, error) {
	s := v.Frames.Shape()
	if t < 0 || t >= s[0] {
		return nil, fmt.Errorf("grounding: overlay frame %d outside [0,%d)", t, s[0])
	}
	h, w := s[1], s[2]
	data := v.Frames.Data().([]float32)[t*h*w*3 : (t+1)*h*w*3]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		img.Pix[4*i] = uint8(math.Round(float64(data[3*i]) * 255))
		img.Pix[4*i+1] = uint8(math.Round(float64(data[3*i+1]) * 255))
		img.Pix[4*i+2] = uint8(math.Round(float64(data[3*i+2]) * 255))
		img.Pix[4*i+3] = 255
	}
	for k, m := range masks {
		if m.Width() != w || m.Height() != h {
			return nil, fmt.Errorf("grounding: overlay mask %d is %dx%d, frame is %dx%d", k, m.Width(), m.Height(), w, h)
		}
		c := palette[k%len(palette)]
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if m.At(x, y) {
					p := img.RGBAAt(x, y)
					img.SetRGBA(x, y, blend(p, c, 0.45))
				}
			}
		}
		if b, ok := m.Box(); ok {
			outline(img, b, c)
			if k < len(labels) {
				label(img, b.X0+2, max(b.Y0-2, 10), labels[k], c)
			}
		}
	}
	return img, nil
}

// WritePNG encodes img to path through a temporary file renamed into place,
// so that no half-written image is left behind.
func WritePNG(path string, img image.Image) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.png")
	if err != nil {
		return fmt.Errorf("grounding: writing %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("grounding: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("grounding: writing %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("grounding: writing %s: %w", path, err)
	}
	return nil
}

var palette = []color.RGBA{
	{230, 60, 50, 255}, {40, 120, 230, 255}, {40, 180, 80, 255},
	{240, 170, 30, 255}, {170, 70, 200, 255}, {30, 190, 190, 255},
}

func blend(a, b color.RGBA, v float64) color.RGBA {
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p)*(1-v) + float64(q)*v)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

func outline(img *image.RGBA, b segment.Box, c color.RGBA) {
	for x := b.X0; x < b.X1; x++ {
		img.SetRGBA(x, b.Y0, c)
		img.SetRGBA(x, b.Y1-1, c)
	}
	for y := b.Y0; y < b.Y1; y++ {
		img.SetRGBA(b.X0, y, c)
		img.SetRGBA(b.X1-1, y, c)
	}
}

// label draws text with its baseline at (x,y) in the 7x13 basic font.
func label(img *image.RGBA, x, y int, s string, c color.Color) {
	d := font.Drawer{Dst: img, Src: &image.Uniform{c}, Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}
