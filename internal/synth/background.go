package synth

import (
	"math"
	"math/rand/v2"
)

// background is a textured, slowly changing backdrop in world coordinates:
// two coarse value-noise fields cross-fade over a period of 20-40 s, a fine
// noise field adds grain, and the muted base colour drifts in hue.
type background struct {
	x0, cell, fine     float64 // world x of grid column 0; cell sizes in pixels
	cols, rows         int     // coarse grid
	fcols, frows       int     // fine grid
	a, b, grain        []float64
	hue, drift, sat    float64
	val, period, hperi float64
	fps                float64
}

func newBackground(r *rand.Rand, cfg Config, xmin, xmax float64) *background {
	minDim := float64(min(cfg.Width, cfg.Height))
	bg := &background{x0: xmin, cell: uniform(r, 0.12, 0.25) * minDim, fine: uniform(r, 0.03, 0.06) * minDim,
		hue: r.Float64(), drift: uniform(r, 0.03, 0.08), sat: uniform(r, 0.12, 0.3), val: uniform(r, 0.38, 0.52),
		period: uniform(r, 20, 40), hperi: uniform(r, 30, 60), fps: cfg.FPS}
	w := xmax - xmin
	bg.cols, bg.rows = int(w/bg.cell)+3, int(float64(cfg.Height)/bg.cell)+3
	bg.fcols, bg.frows = int(w/bg.fine)+3, int(float64(cfg.Height)/bg.fine)+3
	fill := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = r.Float64()
		}
		return v
	}
	bg.a, bg.b, bg.grain = fill(bg.cols*bg.rows), fill(bg.cols*bg.rows), fill(bg.fcols*bg.frows)
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

// at returns the brightness factor at world point (x, y) for cross-fade w.
func (bg *background) at(x, y, w float64) float64 {
	x -= bg.x0
	c := (1-w)*noise(bg.a, bg.cols, bg.rows, bg.cell, x, y) + w*noise(bg.b, bg.cols, bg.rows, bg.cell, x, y)
	f := noise(bg.grain, bg.fcols, bg.frows, bg.fine, x, y)
	return 0.6 + 0.6*c + 0.2*(f-0.5)
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
