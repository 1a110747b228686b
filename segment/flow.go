package segment

import (
	"math"
	"runtime"
	"sync"
)

// image is a float32 image of w x h pixels with 3 interleaved channels:
// pixel (x, y) channel c is px[(y*w+x)*3+c].
type image struct {
	w, h int
	px   []float32
}

// field is a dense 2-D vector field of w x h pixels: the vector at (x, y)
// is (u[y*w+x], v[y*w+x]), in pixels.
type field struct {
	w, h int
	u, v []float32
}

func newField(w, h int) field {
	return field{w: w, h: h, u: make([]float32, w*h), v: make([]float32, w*h)}
}

// parallelRows runs fn over the rows [0, h) of rows of w pixels, split
// into one band per CPU; small images run on the calling goroutine, where
// starting goroutines would cost more than it saves.
func parallelRows(h, w int, fn func(y0, y1 int)) {
	n := min(runtime.GOMAXPROCS(0), h, h*w/8192)
	if n <= 1 {
		fn(0, h)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		y0, y1 := i*h/n, (i+1)*h/n
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(y0, y1)
		}()
	}
	wg.Wait()
}

// blur3 smooths each channel of im with the separable binomial kernel
// [1 2 1]/4, replicating the border.
func blur3(im image) image {
	tmp := make([]float32, len(im.px))
	out := image{w: im.w, h: im.h, px: make([]float32, len(im.px))}
	parallelRows(im.h, im.w, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := 0; x < im.w; x++ {
				l, r := max(x-1, 0), min(x+1, im.w-1)
				for c := range 3 {
					tmp[(y*im.w+x)*3+c] = 0.25*im.px[(y*im.w+l)*3+c] + 0.5*im.px[(y*im.w+x)*3+c] + 0.25*im.px[(y*im.w+r)*3+c]
				}
			}
		}
	})
	parallelRows(im.h, im.w, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			u, d := max(y-1, 0), min(y+1, im.h-1)
			for x := 0; x < im.w; x++ {
				for c := range 3 {
					out.px[(y*im.w+x)*3+c] = 0.25*tmp[(u*im.w+x)*3+c] + 0.5*tmp[(y*im.w+x)*3+c] + 0.25*tmp[(d*im.w+x)*3+c]
				}
			}
		}
	})
	return out
}

// pyramid returns im smoothed and its successive half-size reductions,
// finest first, stopping before a side would fall under minSide pixels or
// after levels images.
func pyramid(im image, levels, minSide int) []image {
	p := []image{blur3(im)}
	for len(p) < levels {
		prev := p[len(p)-1]
		w, h := (prev.w+1)/2, (prev.h+1)/2
		if w < minSide || h < minSide {
			break
		}
		b := blur3(prev)
		next := image{w: w, h: h, px: make([]float32, w*h*3)}
		for y := range h {
			for x := range w {
				sx, sy := min(2*x, prev.w-1), min(2*y, prev.h-1)
				copy(next.px[(y*w+x)*3:(y*w+x)*3+3], b.px[(sy*prev.w+sx)*3:(sy*prev.w+sx)*3+3])
			}
		}
		p = append(p, next)
	}
	return p
}

// sample3 reads im at the real position (x, y) by bilinear interpolation,
// clamping to the border, into dst (3 channels).
func sample3(im image, x, y float32, dst *[3]float32) {
	x = min(max(x, 0), float32(im.w-1))
	y = min(max(y, 0), float32(im.h-1))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, im.w-1), min(y0+1, im.h-1)
	fx, fy := x-float32(x0), y-float32(y0)
	a, b := (y0*im.w+x0)*3, (y0*im.w+x1)*3
	c, d := (y1*im.w+x0)*3, (y1*im.w+x1)*3
	for k := range 3 {
		top := im.px[a+k] + fx*(im.px[b+k]-im.px[a+k])
		bot := im.px[c+k] + fx*(im.px[d+k]-im.px[c+k])
		dst[k] = top + fy*(bot-top)
	}
}

// boxMean replaces each plane in planes (w x h each) by its mean over the
// (2r+1) x (2r+1) window around every pixel, counting only pixels inside the
// image.
func boxMean(planes [][]float32, w, h, r int) {
	for _, p := range planes {
		tmp := make([]float32, len(p))
		parallelRows(h, w, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				row := p[y*w : (y+1)*w]
				var s float32
				for x := 0; x <= min(r, w-1); x++ {
					s += row[x]
				}
				for x := range w {
					lo, hi := x-r, x+r
					tmp[y*w+x] = s / float32(min(hi, w-1)-max(lo, 0)+1)
					if hi+1 < w {
						s += row[hi+1]
					}
					if lo >= 0 {
						s -= row[lo]
					}
				}
			}
		})
		parallelRows(w, h, func(x0, x1 int) {
			for x := x0; x < x1; x++ {
				var s float32
				for y := 0; y <= min(r, h-1); y++ {
					s += tmp[y*w+x]
				}
				for y := range h {
					lo, hi := y-r, y+r
					p[y*w+x] = s / float32(min(hi, h-1)-max(lo, 0)+1)
					if hi+1 < h {
						s += tmp[(hi+1)*w+x]
					}
					if lo >= 0 {
						s -= tmp[lo*w+x]
					}
				}
			}
		})
	}
}

// flowParams are the knobs of the dense Lucas-Kanade estimator.
type flowParams struct {
	levels, radius, iters int
	// lambda regularises the 2x2 systems (Tikhonov), so that a flat window
	// keeps the flow it inherited from the coarser level.
	lambda float32
	// confidence is the smallest eigenvalue of a window's structure tensor
	// at which its own estimate is trusted; weaker windows take the
	// confidence-weighted average flow of their neighbourhood.
	confidence float32
}

// backwardFlow estimates, for every pixel x of next, the displacement f(x)
// with next(x) ~ prev(x + f(x)): dense Lucas-Kanade, iterated with warping
// at each level of the pyramids, coarse to fine. prev and next are
// pyramids of the same sizes, finest first.
//
// It also returns, per pixel of the finest level, the confidence of the
// estimate in [0,1]: the smallest eigenvalue of the window's structure
// tensor over p.confidence, clipped (0 on flat windows, 1 on corners and
// texture).
func backwardFlow(prev, next []image, p flowParams) (field, []float32) {
	var f field
	var conf []float32
	for l := len(next) - 1; l >= 0; l-- {
		pi, ni := prev[l], next[l]
		if l == len(next)-1 {
			f = newField(ni.w, ni.h)
		} else {
			f = upsample(f, ni.w, ni.h)
		}
		conf = lkLevel(pi, ni, f, p)
	}
	return f, conf
}

// upsample doubles a flow field to w x h (bilinear, vectors scaled by 2).
func upsample(f field, w, h int) field {
	g := newField(w, h)
	sx, sy := float32(f.w)/float32(w), float32(f.h)/float32(h)
	parallelRows(h, w, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			for x := range w {
				fx := min(max((float32(x)+0.5)*sx-0.5, 0), float32(f.w-1))
				fy := min(max((float32(y)+0.5)*sy-0.5, 0), float32(f.h-1))
				g.u[y*w+x] = 2 * bilinear(f.u, f.w, f.h, fx, fy)
				g.v[y*w+x] = 2 * bilinear(f.v, f.w, f.h, fx, fy)
			}
		}
	})
	return g
}

// bilinear reads the w x h plane p at (x, y), which lies inside it.
func bilinear(p []float32, w, h int, x, y float32) float32 {
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	fx, fy := x-float32(x0), y-float32(y0)
	top := p[y0*w+x0] + fx*(p[y0*w+x1]-p[y0*w+x0])
	bot := p[y1*w+x0] + fx*(p[y1*w+x1]-p[y1*w+x0])
	return top + fy*(bot-top)
}

// lkLevel refines f in place on one pyramid level and returns the
// per-pixel confidence (see fillWeak).
func lkLevel(prev, next image, f field, p flowParams) []float32 {
	w, h := next.w, next.h
	n := w * h
	gxx, gxy, gyy := make([]float32, n), make([]float32, n), make([]float32, n)
	bx, by := make([]float32, n), make([]float32, n)
	warped := image{w: w, h: h, px: make([]float32, n*3)}
	for range p.iters {
		parallelRows(h, w, func(y0, y1 int) {
			var s [3]float32
			for y := y0; y < y1; y++ {
				for x := range w {
					i := y*w + x
					sample3(prev, float32(x)+f.u[i], float32(y)+f.v[i], &s)
					copy(warped.px[i*3:i*3+3], s[:])
				}
			}
		})
		parallelRows(h, w, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				u, d := max(y-1, 0), min(y+1, h-1)
				for x := range w {
					l, r := max(x-1, 0), min(x+1, w-1)
					i := y*w + x
					var xx, xy, yy, xt, yt float32
					for c := range 3 {
						// Gradient: mean of the warped prev and next's central differences.
						ix := 0.25 * (warped.px[(y*w+r)*3+c] - warped.px[(y*w+l)*3+c] + next.px[(y*w+r)*3+c] - next.px[(y*w+l)*3+c])
						iy := 0.25 * (warped.px[(d*w+x)*3+c] - warped.px[(u*w+x)*3+c] + next.px[(d*w+x)*3+c] - next.px[(u*w+x)*3+c])
						it := warped.px[i*3+c] - next.px[i*3+c]
						xx += ix * ix
						xy += ix * iy
						yy += iy * iy
						xt += ix * it
						yt += iy * it
					}
					gxx[i], gxy[i], gyy[i], bx[i], by[i] = xx, xy, yy, xt, yt
				}
			}
		})
		boxMean([][]float32{gxx, gxy, gyy, bx, by}, w, h, p.radius)
		parallelRows(h, w, func(y0, y1 int) {
			for i := y0 * w; i < y1*w; i++ {
				a, b, d := gxx[i]+p.lambda, gxy[i], gyy[i]+p.lambda
				det := a*d - b*b
				if det <= 0 {
					continue
				}
				du := -(d*bx[i] - b*by[i]) / det
				dv := -(a*by[i] - b*bx[i]) / det
				f.u[i] += max(min(du, 2), -2)
				f.v[i] += max(min(dv, 2), -2)
			}
		})
	}
	return fillWeak(f, gxx, gxy, gyy, p)
}

// fillWeak replaces the flow of windows with little structure (smallest
// eigenvalue of the structure tensor under p.confidence) by the
// confidence-weighted mean flow around them (normalised convolution over a
// window four times wider), so that flat regions move with their edges. It
// returns the confidence of every pixel's own estimate, in [0,1].
func fillWeak(f field, gxx, gxy, gyy []float32, p flowParams) []float32 {
	n := f.w * f.h
	wt, wu, wv := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range n {
		tr, a, d := gxx[i]+gyy[i], gxx[i], gyy[i]
		disc := float32(math.Sqrt(float64(max((a-d)*(a-d)/4+gxy[i]*gxy[i], 0))))
		minEig := tr/2 - disc
		c := min(max(minEig/p.confidence, 0), 1)
		wt[i], wu[i], wv[i] = c, c*f.u[i], c*f.v[i]
	}
	conf := append([]float32(nil), wt...)
	boxMean([][]float32{wt, wu, wv}, f.w, f.h, 4*p.radius)
	for i := range n {
		if wt[i] <= 1e-6 || conf[i] >= 1 {
			continue
		}
		c := conf[i]
		f.u[i] = c*f.u[i] + (1-c)*wu[i]/wt[i]
		f.v[i] = c*f.v[i] + (1-c)*wv[i]/wt[i]
	}
	return conf
}
