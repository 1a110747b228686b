package synth

import "math"

// vec is a point or displacement in pixels; x grows right, y grows down.
type vec struct{ x, y float64 }

// shapeDef is a shape outline of unit size centred on the origin. Every
// shape, the circle included (a 40-gon), is a simple polygon, so that
// rendering (pixel centre inside the polygon) and the contact geometry use
// one definition.
type shapeDef struct {
	name   string
	unit   []vec
	radius float64 // largest vertex distance from the centre
}

// shapes is the shape vocabulary.
var shapes = [...]shapeDef{
	newShape("circle", regular(40, 1, 0)),
	newShape("square", []vec{{-0.85, -0.85}, {0.85, -0.85}, {0.85, 0.85}, {-0.85, 0.85}}),
	newShape("triangle", regular(3, 1.2, -math.Pi/2)),
	newShape("diamond", []vec{{0, -1.15}, {0.85, 0}, {0, 1.15}, {-0.85, 0}}),
	newShape("pentagon", regular(5, 1.05, -math.Pi/2)),
	newShape("hexagon", regular(6, 1, 0)),
	newShape("star", star(5, 1.25, 0.52)),
	newShape("cross", cross(1.05, 0.36)),
}

func newShape(name string, unit []vec) shapeDef {
	r := 0.0
	for _, p := range unit {
		r = math.Max(r, math.Hypot(p.x, p.y))
	}
	return shapeDef{name: name, unit: unit, radius: r}
}

// regular returns the n vertices of a regular polygon of circumradius r.
func regular(n int, r, phase float64) []vec {
	out := make([]vec, n)
	for i := range out {
		a := phase + 2*math.Pi*float64(i)/float64(n)
		out[i] = vec{r * math.Cos(a), r * math.Sin(a)}
	}
	return out
}

// star returns a star with the given number of points, outer and inner radii.
func star(points int, outer, inner float64) []vec {
	out := make([]vec, 2*points)
	for i := range out {
		r := outer
		if i%2 == 1 {
			r = inner
		}
		a := -math.Pi/2 + math.Pi*float64(i)/float64(points)
		out[i] = vec{r * math.Cos(a), r * math.Sin(a)}
	}
	return out
}

// cross returns a plus sign of half extent e and arm half width w.
func cross(e, w float64) []vec {
	return []vec{{-w, -e}, {w, -e}, {w, -w}, {e, -w}, {e, w}, {w, w}, {w, e}, {-w, e}, {-w, w}, {-e, w}, {-e, -w}, {-w, -w}}
}

// place writes the outline of unit scaled by s and centred on c into dst.
func place(dst, unit []vec, c vec, s float64) []vec {
	dst = dst[:0]
	for _, p := range unit {
		dst = append(dst, vec{c.x + s*p.x, c.y + s*p.y})
	}
	return dst
}

// contains reports whether (x, y) lies inside the polygon (even-odd rule).
func contains(p []vec, x, y float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		if (p[i].y > y) != (p[j].y > y) && x < (p[j].x-p[i].x)*(y-p[i].y)/(p[j].y-p[i].y)+p[i].x {
			in = !in
		}
	}
	return in
}

func orient(o, a, b vec) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }

// segmentsCross reports whether segments ab and cd properly intersect.
func segmentsCross(a, b, c, d vec) bool {
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}

// overlap reports whether two polygons share interior points: an edge of
// one crosses an edge of the other, or one holds a vertex of the other.
func overlap(p, q []vec) bool {
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		for k, l := 0, len(q)-1; k < len(q); l, k = k, k+1 {
			if segmentsCross(p[j], p[i], q[l], q[k]) {
				return true
			}
		}
	}
	return contains(q, p[0].x, p[0].y) || contains(p, q[0].x, q[0].y)
}

// pointSegment is the distance from p to the segment ab.
func pointSegment(p, a, b vec) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	}
	return math.Hypot(p.x-a.x-t*dx, p.y-a.y-t*dy)
}

// gap is the distance between two polygons: 0 when they overlap, else the
// smallest vertex-to-edge distance either way.
func gap(p, q []vec) float64 {
	if overlap(p, q) {
		return 0
	}
	d := math.Inf(1)
	for _, pair := range [2][2][]vec{{p, q}, {q, p}} {
		a, b := pair[0], pair[1]
		for _, v := range a {
			for i, j := 0, len(b)-1; i < len(b); j, i = i, i+1 {
				d = math.Min(d, pointSegment(v, b[j], b[i]))
			}
		}
	}
	return d
}
