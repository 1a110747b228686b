package cascade

import (
	"image"
	"math"
)

// integrals holds the summed-area tables of one grey image of size W x H:
// sum and sqsum of size (W+1) x (H+1) with S(X,Y) = sum of I(x,y) over x<X,
// y<Y, and, for Haar cascades with tilted features, the 45-degree table of
// OpenCV, T(X,Y) = sum of I(x,y) over y<Y and |x-X+1| <= Y-y-1, stored with
// a margin of H+1 columns on each side so that the recurrence never leaves
// the buffer.
type integrals struct {
	w, h        int
	sumT, sqT   []float64 // row-major (h+1) x (w+1)
	tilt        []float64 // row-major (h+1) x (w+1+2*margin)
	margin, tst int
}

func newIntegrals(g *image.Gray, tilted bool) *integrals {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ii := &integrals{w: w, h: h}
	st := w + 1
	ii.sumT = make([]float64, st*(h+1))
	ii.sqT = make([]float64, st*(h+1))
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		rs, rq := 0.0, 0.0
		for x, p := range row {
			v := float64(p)
			rs += v
			rq += v * v
			ii.sumT[(y+1)*st+x+1] = ii.sumT[y*st+x+1] + rs
			ii.sqT[(y+1)*st+x+1] = ii.sqT[y*st+x+1] + rq
		}
	}
	if tilted {
		ii.buildTilted(g)
	}
	return ii
}

// buildTilted fills the 45-degree table by Lienhart's recurrence
// T(X,Y) = T(X-1,Y-1) + T(X+1,Y-1) - T(X,Y-2) + I(X-1,Y-1) + I(X-1,Y-2),
// pixels outside the image being 0.
func (ii *integrals) buildTilted(g *image.Gray) {
	w, h := ii.w, ii.h
	m := h + 1
	ii.margin = m
	ii.tst = w + 1 + 2*m
	ii.tilt = make([]float64, ii.tst*(h+1))
	pix := func(x, y int) float64 {
		if x < 0 || x >= w || y < 0 || y >= h {
			return 0
		}
		return float64(g.Pix[y*g.Stride+x])
	}
	at := func(X, Y int) float64 {
		if Y < 0 || X+m < 0 || X+m >= ii.tst {
			return 0
		}
		return ii.tilt[Y*ii.tst+X+m]
	}
	for Y := 1; Y <= h; Y++ {
		for X := -m; X < w+1+m; X++ {
			v := at(X-1, Y-1) + at(X+1, Y-1) - at(X, Y-2) + pix(X-1, Y-1) + pix(X-1, Y-2)
			ii.tilt[Y*ii.tst+X+m] = v
		}
	}
}

// sum is the sum of the pixels of the upright rectangle (x,y,w,h).
func (ii *integrals) sum(x, y, w, h int) float64 {
	st := ii.w + 1
	return ii.sumT[y*st+x] - ii.sumT[y*st+x+w] - ii.sumT[(y+h)*st+x] + ii.sumT[(y+h)*st+x+w]
}

func (ii *integrals) sqsum(x, y, w, h int) float64 {
	st := ii.w + 1
	return ii.sqT[y*st+x] - ii.sqT[y*st+x+w] - ii.sqT[(y+h)*st+x] + ii.sqT[(y+h)*st+x+w]
}

// tiltedSum is the sum over OpenCV's tilted rectangle (x,y,w,h): the
// rectangle rotated by 45 degrees whose top vertex is the point (x-0.5, y)
// (the middle of pixel (x-1,y)'s top edge), with sides of w and h pixel
// diagonals going down-right and down-left; a 1x1 tilted rectangle holds the
// pixels (x-1,y) and (x-1,y+1).
func (ii *integrals) tiltedSum(x, y, w, h int) float64 {
	t := func(X, Y int) float64 { return ii.tilt[Y*ii.tst+X+ii.margin] }
	return t(x, y) - t(x-h, y+h) - t(x+w, y+w) + t(x+w-h, y+w+h)
}

// varianceNorm returns 1/(area*stddev) of the rectangle (OpenCV's
// varianceNormFactor) and whether the window is textured enough to classify:
// OpenCV rejects windows with area/sqrt(area*sqsum - sum^2) >= 0.1.
func (ii *integrals) varianceNorm(x, y, w, h int) (float64, bool) {
	area := float64(w * h)
	s := ii.sum(x, y, w, h)
	nf := area*ii.sqsum(x, y, w, h) - s*s
	if nf <= 0 {
		return 1, false
	}
	f := 1 / math.Sqrt(nf)
	return f, area*f < 0.1
}
