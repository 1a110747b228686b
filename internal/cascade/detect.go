package cascade

import (
	"context"
	"fmt"
	"image"
	"math"
	"runtime"
	"sync"
)

// Options tune Detect. The zero value gives OpenCV's defaults.
type Options struct {
	// ScaleFactor is the ratio between pyramid levels; 0 means 1.1. Must be > 1.
	ScaleFactor float64
	// MinNeighbors is how many raw hits a group needs beyond itself to be
	// kept (cv::groupRectangles' groupThreshold); 0 means 3, negative keeps
	// every raw hit ungrouped.
	MinNeighbors int
	// MinSize and MaxSize bound the detected window's width in pixels;
	// 0 means no bound.
	MinSize, MaxSize int
}

func (o Options) withDefaults() (Options, error) {
	if o.ScaleFactor == 0 {
		o.ScaleFactor = 1.1
	}
	if !(o.ScaleFactor > 1) || math.IsInf(o.ScaleFactor, 0) {
		return o, fmt.Errorf("cascade: scale factor %v must be a finite number > 1", o.ScaleFactor)
	}
	if o.MinNeighbors == 0 {
		o.MinNeighbors = 3
	}
	if o.MinSize < 0 || o.MaxSize < 0 {
		return o, fmt.Errorf("cascade: negative size bounds %d, %d", o.MinSize, o.MaxSize)
	}
	return o, nil
}

// Detection is one detected object: its box in the image's pixel
// coordinates and the number of raw window hits grouped into it.
type Detection struct {
	Box       image.Rectangle
	Neighbors int
}

// Detect finds the cascade's object in a grey image, at every scale from the
// cascade's window up to the image size, like
// cv::CascadeClassifier::detectMultiScale: the image is resized by powers
// of ScaleFactor (bilinear), the window slides with a step of 2 pixels (1 once
// the scale exceeds 2), and overlapping hits are grouped. Detections are
// ordered by the grouping's cluster order, which is deterministic.
func (c *Cascade) Detect(ctx context.Context, g *image.Gray, opt Options) ([]Detection, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	W, H := g.Rect.Dx(), g.Rect.Dy()
	if W == 0 || H == 0 {
		return nil, nil
	}
	var scales []float64
	for f := 1.0; ; f *= opt.ScaleFactor {
		ww := int(math.RoundToEven(float64(c.Width) * f))
		wh := int(math.RoundToEven(float64(c.Height) * f))
		sw := int(math.RoundToEven(float64(W) / f))
		sh := int(math.RoundToEven(float64(H) / f))
		if ww > W || wh > H || sw < c.Width || sh < c.Height {
			break
		}
		if opt.MaxSize > 0 && ww > opt.MaxSize {
			break
		}
		if ww < opt.MinSize {
			continue
		}
		scales = append(scales, f)
	}
	hits := make([][]image.Rectangle, len(scales))
	errs := make([]error, len(scales))
	var wg sync.WaitGroup
	work := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(scales))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				hits[i] = c.detectAt(g, scales[i])
			}
		}()
	}
	for i := range scales {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("cascade: %w", err)
		}
	}
	var all []image.Rectangle
	for _, h := range hits {
		all = append(all, h...)
	}
	if opt.MinNeighbors < 0 {
		out := make([]Detection, len(all))
		for i, r := range all {
			out[i] = Detection{Box: r, Neighbors: 1}
		}
		return out, nil
	}
	return groupRectangles(all, opt.MinNeighbors, 0.2), nil
}

// detectAt slides the window over the image resized by 1/f and returns the
// accepted windows in the original image's coordinates.
func (c *Cascade) detectAt(g *image.Gray, f float64) []image.Rectangle {
	W, H := g.Rect.Dx(), g.Rect.Dy()
	sw := int(math.RoundToEven(float64(W) / f))
	sh := int(math.RoundToEven(float64(H) / f))
	small := resizeBilinear(g, sw, sh)
	ii := newIntegrals(small, c.Kind == Haar && c.hasTilted())
	cc := c.compile(ii)
	step := 2
	if f > 2 {
		step = 1
	}
	ww := int(math.RoundToEven(float64(c.Width) * f))
	wh := int(math.RoundToEven(float64(c.Height) * f))
	var out []image.Rectangle
	for y := 0; y+c.Height < sh+1; y += step {
		for x := 0; x+c.Width < sw+1; x += step {
			r := c.classify(cc, ii, x, y)
			if r > 0 {
				x0 := int(math.RoundToEven(float64(x) * f))
				y0 := int(math.RoundToEven(float64(y) * f))
				out = append(out, image.Rect(x0, y0, x0+ww, y0+wh))
			}
			if r == 0 {
				x += step // rejected by the first stage: skip ahead, as OpenCV does
			}
		}
	}
	return out
}

func (c *Cascade) hasTilted() bool {
	for _, h := range c.haar {
		if h.tilted {
			return true
		}
	}
	return false
}

// resizeBilinear resizes a grey image to w x h with pixel centres aligned
// (source coordinate (x+0.5)*W/w - 0.5, clamped), like OpenCV's INTER_LINEAR,
// rounding to the nearest grey level.
func resizeBilinear(g *image.Gray, w, h int) *image.Gray {
	W, H := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	if w == W && h == H {
		for y := 0; y < h; y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+w], g.Pix[y*g.Stride:y*g.Stride+w])
		}
		return out
	}
	sx, sy := float64(W)/float64(w), float64(H)/float64(h)
	type tap struct {
		i0, i1 int
		a      float64
	}
	taps := func(n, N int, s float64) []tap {
		t := make([]tap, n)
		for i := range t {
			p := (float64(i)+0.5)*s - 0.5
			p = max(p, 0)
			i0 := int(p)
			if i0 >= N-1 {
				t[i] = tap{N - 1, N - 1, 0}
				continue
			}
			t[i] = tap{i0, i0 + 1, p - float64(i0)}
		}
		return t
	}
	tx, ty := taps(w, W, sx), taps(h, H, sy)
	for y, vy := range ty {
		r0 := g.Pix[vy.i0*g.Stride:]
		r1 := g.Pix[vy.i1*g.Stride:]
		for x, vx := range tx {
			top := float64(r0[vx.i0])*(1-vx.a) + float64(r0[vx.i1])*vx.a
			bot := float64(r1[vx.i0])*(1-vx.a) + float64(r1[vx.i1])*vx.a
			out.Pix[y*out.Stride+x] = uint8(math.Round(top*(1-vy.a) + bot*vy.a))
		}
	}
	return out
}
