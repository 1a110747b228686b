package synth

import (
	"math"
	"math/rand/v2"
)

// background is a textured, slowly changing backdrop in world coordinates:
// two coarse value-noise fields cross-fade over a period of 20-40 s, a fine
// noise field adds grain, and the muted base colour drifts in hue. The
// brightness factor at world point (x, y+0.5) with cross-fade weight w is
// p + w*q, tabulated at integer x and interpolated linearly in x between
// them (the camera pans by fractions of a pixel).
type background struct {
	x0                 float64 // world x of column 0
	cols, rows         int     // of p and q
	p, q               []float32
	hue, drift, sat    float64
	val, period, hperi float64
	fps                float64
}

func newBackground(r *rand.Rand, cfg Config, xmin, xmax float64) *background {
	minDim := float64(min(cfg.Width, cfg.Height))
	cell, fine := uniform(r, 0.12, 0.25)*minDim, uniform(r, 0.03, 0.06)*minDim
	bg := &background{x0: math.Floor(xmin), hue: r.Float64(), drift: uniform(r, 0.03, 0.08), sat: uniform(r, 0.12, 0.3),
		val: uniform(r, 0.38, 0.52), period: uniform(r, 20, 40), hperi: uniform(r, 30, 60), fps: cfg.FPS}
	w := xmax - bg.x0
	cols, rows := int(w/cell)+3, int(float64(cfg.Height)/cell)+3
	fcols, frows := int(w/fine)+3, int(float64(cfg.Height)/fine)+3
	grid := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.Float64()
		}
		return v
	}
	a, b, g := grid(cols*rows), grid(cols*rows), grid(fcols*frows)
	bg.cols, bg.rows = int(math.Ceil(w))+2, cfg.Height
	bg.p, bg.q = make([]float32, bg.cols*bg.rows), make([]float32, bg.cols*bg.rows)
	for y := range bg.rows {
		for x := range bg.cols {
			fx, fy := float64(x), float64(y)+0.5
			na, nb := noise(a, cols, rows, cell, fx, fy), noise(b, cols, rows, cell, fx, fy)
			i := y*bg.cols + x
			bg.p[i] = float32(0.6 + 0.6*na + 0.2*(noise(g, fcols, frows, fine, fx, fy)-0.5))
			bg.q[i] = float32(0.6 * (nb - na))
		}
	}
	return bg
}

// noise is smooth bilinear value noise of grid g (cols wide, cell pixels
// per node) at world point (x, y).
func noise(g []float64, cols, rows int, cell, x, y float64) float64 {
	gx, gy := math.Max(0, x/cell), math.Max(0, y/cell)
	ix, iy := min(int(gx), cols-2), min(int(gy), rows-2)
	fx, fy := math.Min(1, gx-float64(ix)), math.Min(1, gy-float64(iy))
	fx, fy = fx*fx*(3-2*fx), fy*fy*(3-2*fy)
	i := iy*cols + ix
	top := g[i] + fx*(g[i+1]-g[i])
	bot := g[i+cols] + fx*(g[i+cols+1]-g[i+cols])
	return top + fy*(bot-top)
}

// base returns frame t's base colour and cross-fade weight.
func (bg *background) base(t int) ([3]float64, float64) {
	s := float64(t) / bg.fps
	w := 0.5 + 0.5*math.Sin(2*math.Pi*s/bg.period)
	h := bg.hue + bg.drift*math.Sin(2*math.Pi*s/bg.hperi)
	return hsv(h-math.Floor(h), bg.sat, bg.val), w
}

// hsv converts hue, saturation and value in [0,1] to RGB in [0,1].
func hsv(h, s, v float64) [3]float64 {
	h6 := h * 6
	i := int(h6) % 6
	f := h6 - math.Floor(h6)
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch i {
	case 0:
		return [3]float64{v, t, p}
	case 1:
		return [3]float64{q, v, p}
	case 2:
		return [3]float64{p, v, t}
	case 3:
		return [3]float64{p, q, v}
	case 4:
		return [3]float64{t, p, v}
	}
	return [3]float64{v, p, q}
}
