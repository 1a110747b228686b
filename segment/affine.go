package segment

import "math"

// affine is a 2-D affine map (x, y) -> (a[0] x + a[1] y + a[2],
// a[3] x + a[4] y + a[5]), in pixel coordinates.
type affine [6]float64

var identity = affine{1, 0, 0, 0, 1, 0}

// apply maps (x, y).
func (a affine) apply(x, y float64) (float64, float64) {
	return a[0]*x + a[1]*y + a[2], a[3]*x + a[4]*y + a[5]
}

// then is the map "a, then b".
func (a affine) then(b affine) affine {
	return affine{
		b[0]*a[0] + b[1]*a[3], b[0]*a[1] + b[1]*a[4], b[0]*a[2] + b[1]*a[5] + b[2],
		b[3]*a[0] + b[4]*a[3], b[3]*a[1] + b[4]*a[4], b[3]*a[2] + b[4]*a[5] + b[5],
	}
}

// inverse returns the inverse map and false when a is singular.
func (a affine) inverse() (affine, bool) {
	det := a[0]*a[4] - a[1]*a[3]
	if math.Abs(det) < 1e-9 || math.IsNaN(det) {
		return affine{}, false
	}
	i0, i1, i3, i4 := a[4]/det, -a[1]/det, -a[3]/det, a[0]/det
	return affine{i0, i1, -(i0*a[2] + i1*a[5]), i3, i4, -(i3*a[2] + i4*a[5])}, true
}

// fitMotion fits the affine motion of the pixels of m along the flow f
// (pixel x moves to x + f(x)), by weighted least squares with confidence
// weights conf, made robust by iterative Cauchy reweighting of the
// residuals (scale 1 pixel). The linear part is pulled towards the
// identity by a small ridge, so a mask with few reliable pixels moves by
// its mean flow. An empty mask gives the identity.
func fitMotion(m Mask, f field, conf []float32) affine {
	type pt struct{ x, y, u, v, w float64 }
	var pts []pt
	for y := range m.h {
		for x := range m.w {
			if !m.At(x, y) {
				continue
			}
			i := y*m.w + x
			// Flat pixels keep a small weight: their flow, inherited from
			// their edges, still says where the mask goes when nothing
			// better is known.
			pts = append(pts, pt{float64(x), float64(y), float64(f.u[i]), float64(f.v[i]), 0.02 + float64(conf[i])})
		}
	}
	if len(pts) == 0 {
		return identity
	}
	rw := make([]float64, len(pts))
	for i := range rw {
		rw[i] = 1
	}
	var au, av [3]float64
	var mx, my float64
	for iter := range 4 {
		var sw float64
		mx, my = 0, 0
		for i, p := range pts {
			w := p.w * rw[i]
			sw += w
			mx += w * p.x
			my += w * p.y
		}
		mx, my = mx/sw, my/sw
		var n [3][3]float64
		var bu, bv [3]float64
		for i, p := range pts {
			w := p.w * rw[i]
			r := [3]float64{p.x - mx, p.y - my, 1}
			for j := range 3 {
				for k := range 3 {
					n[j][k] += w * r[j] * r[k]
				}
				bu[j] += w * r[j] * p.u
				bv[j] += w * r[j] * p.v
			}
		}
		ridge := 1.0 * sw
		n[0][0] += ridge
		n[1][1] += ridge
		var ok bool
		if au, ok = solve3(n, bu); !ok {
			return identity
		}
		if av, ok = solve3(n, bv); !ok {
			return identity
		}
		if iter == 3 {
			break
		}
		for i, p := range pts {
			du := au[0]*(p.x-mx) + au[1]*(p.y-my) + au[2] - p.u
			dv := av[0]*(p.x-mx) + av[1]*(p.y-my) + av[2] - p.v
			rw[i] = 1 / (1 + du*du + dv*dv)
		}
	}
	// x' = x + au0 (x-mx) + au1 (y-my) + au2, likewise y'.
	return affine{
		1 + au[0], au[1], au[2] - au[0]*mx - au[1]*my,
		av[0], 1 + av[1], av[2] - av[0]*mx - av[1]*my,
	}
}

// solve3 solves the 3x3 system n z = b by Cramer's rule; false when n is
// singular.
func solve3(n [3][3]float64, b [3]float64) ([3]float64, bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(n)
	if math.Abs(d) < 1e-12 || math.IsNaN(d) {
		return [3]float64{}, false
	}
	var z [3]float64
	for c := range 3 {
		m := n
		for r := range 3 {
			m[r][c] = b[r]
		}
		z[c] = det(m) / d
	}
	return z, true
}

// warpAffine renders seed moved by a (seed coordinates to frame
// coordinates): pixel x is set when the seed, read bilinearly at a^-1(x)
// and thresholded at 0.5, is set. A singular map gives an empty mask.
func warpAffine(seed Mask, a affine) Mask {
	out := NewMask(seed.w, seed.h)
	inv, ok := a.inverse()
	if !ok {
		return out
	}
	val := func(x, y int) float64 {
		if seed.At(x, y) {
			return 1
		}
		return 0
	}
	for y := range seed.h {
		for x := range seed.w {
			sx, sy := inv.apply(float64(x), float64(y))
			if sx < -1 || sy < -1 || sx > float64(seed.w) || sy > float64(seed.h) {
				continue
			}
			fx, fy := math.Floor(sx), math.Floor(sy)
			x0, y0 := int(fx), int(fy)
			ax, ay := sx-fx, sy-fy
			top := val(x0, y0) + ax*(val(x0+1, y0)-val(x0, y0))
			bot := val(x0, y0+1) + ax*(val(x0+1, y0+1)-val(x0, y0+1))
			if top+ay*(bot-top) >= 0.5 {
				out.Set(x, y, true)
			}
		}
	}
	return out
}

// gradients returns the horizontal and vertical central differences of im
// (3 channels each, border replicated).
func gradients(im image) (gx, gy image) {
	gx = image{w: im.w, h: im.h, px: make([]float32, len(im.px))}
	gy = image{w: im.w, h: im.h, px: make([]float32, len(im.px))}
	parallelRows(im.h, im.w, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			u, d := max(y-1, 0), min(y+1, im.h-1)
			for x := range im.w {
				l, r := max(x-1, 0), min(x+1, im.w-1)
				for c := range 3 {
					gx.px[(y*im.w+x)*3+c] = 0.5 * (im.px[(y*im.w+r)*3+c] - im.px[(y*im.w+l)*3+c])
					gy.px[(y*im.w+x)*3+c] = 0.5 * (im.px[(d*im.w+x)*3+c] - im.px[(u*im.w+x)*3+c])
				}
			}
		}
	})
	return gx, gy
}

// dilate returns m grown by r pixels (square neighbourhood). Direct
// alignment uses the mask with a ring of its surroundings: inside a flat
// object every contraction of the mask matches perfectly, the contrast
// across its border is what pins the motion down.
func dilate(m Mask, r int) Mask {
	out := m.Clone()
	for y := range m.h {
		for x := range m.w {
			if !m.At(x, y) {
				continue
			}
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					out.Set(x+dx, y+dy, true)
				}
			}
		}
	}
	return out
}

// alignLevel is one pyramid level of a frame pair for direct alignment:
// the earlier frame, the later one and the later one's gradients.
type alignLevel struct {
	prev, next, gx, gy image
}

// maxAlignLevel is the coarsest pyramid level direct alignment starts at.
const maxAlignLevel = 2

// refineMotion aligns the pixels of m, grown by a 2-pixel ring (see
// dilate), in the earlier frame with the later one directly: it looks for the affine map a minimising
// sum_{x in m} rho(|next(a(x)) - prev(x)|^2) by Gauss-Newton from init,
// coarse to fine over levels (finest first; level l holds every 2^l-th
// pixel), with Cauchy weights (scale 0.1 in colour) so that occluded or
// changed pixels count little, and a small ridge on the linear part. It
// returns the map and its mean robust loss at the finest level (lower is
// better), or init and +Inf when the mask is too small or the iterations
// fail.
func refineMotion(levels []alignLevel, m Mask, init affine) (affine, float64) {
	m = dilate(m, 1)
	a, loss := init, math.Inf(1)
	for l := min(len(levels)-1, maxAlignLevel); l >= 0; l-- {
		s := float64(int(1) << l)
		scaled := a
		scaled[2], scaled[5] = a[2]/s, a[5]/s
		got, lv, ok := alignAt(levels[l], m, 1<<l, scaled)
		if !ok {
			if l == 0 {
				return init, math.Inf(1)
			}
			continue
		}
		got[2], got[5] = got[2]*s, got[5]*s
		a, loss = got, lv
	}
	return a, loss
}

// alignAt runs the Gauss-Newton iterations of refineMotion on one level,
// with the pixels of m on the level's grid (every step-th pixel), init in
// the level's coordinates.
func alignAt(lv alignLevel, m Mask, step int, init affine) (affine, float64, bool) {
	type pt struct{ x, y float64 }
	var pts []pt
	var mx, my float64
	for y := 0; y < m.h; y += step {
		for x := 0; x < m.w; x += step {
			if m.At(x, y) && x/step < lv.prev.w && y/step < lv.prev.h {
				pts = append(pts, pt{float64(x / step), float64(y / step)})
				mx += float64(x / step)
				my += float64(y / step)
			}
		}
	}
	if len(pts) < 6 {
		return init, 0, false
	}
	prev, next := lv.prev, lv.next
	mx, my = mx/float64(len(pts)), my/float64(len(pts))
	// Displacement model: u(x) = d0 dx + d1 dy + d2, v(x) = d3 dx + d4 dy + d5
	// with (dx, dy) = x - (mx, my).
	d := [6]float64{
		init[0] - 1, init[1], (init[0]-1)*mx + init[1]*my + init[2],
		init[3], init[4] - 1, init[3]*mx + (init[4]-1)*my + init[5],
	}
	var in, gxs, gys [3]float32
	var loss float64
	for iter := 0; ; iter++ {
		var n [6][6]float64
		var b [6]float64
		var sw float64
		loss = 0
		for _, p := range pts {
			dx, dy := p.x-mx, p.y-my
			qx := p.x + d[0]*dx + d[1]*dy + d[2]
			qy := p.y + d[3]*dx + d[4]*dy + d[5]
			if qx < 0 || qy < 0 || qx > float64(next.w-1) || qy > float64(next.h-1) {
				loss++
				continue
			}
			sample3(next, float32(qx), float32(qy), &in)
			sample3(lv.gx, float32(qx), float32(qy), &gxs)
			sample3(lv.gy, float32(qx), float32(qy), &gys)
			i := (int(p.y)*prev.w + int(p.x)) * 3
			var r2 float64
			var r [3]float64
			for c := range 3 {
				r[c] = float64(in[c] - prev.px[i+c])
				r2 += r[c] * r[c]
			}
			w := 1 / (1 + r2/0.01)
			loss += r2 / (0.01 + r2)
			sw += w
			for c := range 3 {
				ex, ey := float64(gxs[c]), float64(gys[c])
				j := [6]float64{ex * dx, ex * dy, ex, ey * dx, ey * dy, ey}
				for a := range 6 {
					for bb := a; bb < 6; bb++ {
						n[a][bb] += w * j[a] * j[bb]
					}
					b[a] -= w * j[a] * r[c]
				}
			}
		}
		loss /= float64(len(pts))
		if sw == 0 {
			return init, 0, false
		}
		if iter == 10 {
			break
		}
		for a := range 6 {
			for bb := range a {
				n[a][bb] = n[bb][a]
			}
			n[a][a] += 1e-6 * sw
		}
		for _, k := range []int{0, 1, 3, 4} {
			n[k][k] += 1e-3 * sw
		}
		step, ok := solve6(n, b)
		if !ok {
			return init, 0, false
		}
		for k := range 6 {
			d[k] += step[k]
		}
		if math.Abs(step[2]) < 1e-3 && math.Abs(step[5]) < 1e-3 && math.Abs(step[0]) < 1e-4 && math.Abs(step[4]) < 1e-4 {
			break
		}
	}
	a := affine{
		1 + d[0], d[1], d[2] - d[0]*mx - d[1]*my,
		d[3], 1 + d[4], d[5] - d[3]*mx - d[4]*my,
	}
	for _, v := range a {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return init, 0, false
		}
	}
	return a, loss, true
}

// solve6 solves the 6x6 system n z = b by Gaussian elimination with
// partial pivoting; false when n is singular.
func solve6(n [6][6]float64, b [6]float64) ([6]float64, bool) {
	for c := range 6 {
		p := c
		for r := c + 1; r < 6; r++ {
			if math.Abs(n[r][c]) > math.Abs(n[p][c]) {
				p = r
			}
		}
		if math.Abs(n[p][c]) < 1e-15 {
			return [6]float64{}, false
		}
		n[c], n[p] = n[p], n[c]
		b[c], b[p] = b[p], b[c]
		for r := c + 1; r < 6; r++ {
			f := n[r][c] / n[c][c]
			for k := c; k < 6; k++ {
				n[r][k] -= f * n[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	var z [6]float64
	for r := 5; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < 6; k++ {
			s -= n[r][k] * z[k]
		}
		z[r] = s / n[r][r]
	}
	return z, true
}

// agreeWithin reports whether a and b move every corner of m's box to within tol
// pixels of each other.
func agreeWithin(a, b affine, m Mask, tol float64) bool {
	box, ok := m.Box()
	if !ok {
		return false
	}
	for _, c := range [4][2]float64{{float64(box.X0), float64(box.Y0)}, {float64(box.X1), float64(box.Y0)},
		{float64(box.X0), float64(box.Y1)}, {float64(box.X1), float64(box.Y1)}} {
		ax, ay := a.apply(c[0], c[1])
		bx, by := b.apply(c[0], c[1])
		if math.Hypot(ax-bx, ay-by) > tol {
			return false
		}
	}
	return true
}
