package cascade

import (
	"image"
	"math"
)

// groupRectangles clusters raw hits the way cv::groupRectangles does: two
// rectangles are similar when every edge differs by at most
// eps*(min widths + min heights)/2; clusters are the connected components of
// that relation; each cluster becomes its mean rectangle; clusters with at
// most minNeighbors members are dropped, and so is a cluster's rectangle
// lying inside a stronger cluster's (grown by eps).
func groupRectangles(rs []image.Rectangle, minNeighbors int, eps float64) []Detection {
	n := len(rs)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if similar(rs[i], rs[j], eps) {
				a, b := find(i), find(j)
				if a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	// Clusters in order of their first member.
	label := make(map[int]int)
	type acc struct{ x, y, w, h, n float64 }
	var sums []acc
	for i, r := range rs {
		root := find(i)
		l, ok := label[root]
		if !ok {
			l = len(sums)
			label[root] = l
			sums = append(sums, acc{})
		}
		s := &sums[l]
		s.x += float64(r.Min.X)
		s.y += float64(r.Min.Y)
		s.w += float64(r.Dx())
		s.h += float64(r.Dy())
		s.n++
	}
	means := make([]image.Rectangle, len(sums))
	for i, s := range sums {
		x := int(math.RoundToEven(s.x / s.n))
		y := int(math.RoundToEven(s.y / s.n))
		w := int(math.RoundToEven(s.w / s.n))
		h := int(math.RoundToEven(s.h / s.n))
		means[i] = image.Rect(x, y, x+w, y+h)
	}
	var out []Detection
	for i, r1 := range means {
		n1 := int(sums[i].n)
		if n1 <= minNeighbors {
			continue
		}
		inside := false
		for j, r2 := range means {
			n2 := int(sums[j].n)
			if i == j || n2 <= minNeighbors {
				continue
			}
			dx := int(math.RoundToEven(float64(r2.Dx()) * eps))
			dy := int(math.RoundToEven(float64(r2.Dy()) * eps))
			if r1.Min.X >= r2.Min.X-dx && r1.Min.Y >= r2.Min.Y-dy &&
				r1.Max.X <= r2.Max.X+dx && r1.Max.Y <= r2.Max.Y+dy &&
				(n2 > max(3, n1) || n1 < 3) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, Detection{Box: r1, Neighbors: n1})
		}
	}
	return out
}

func similar(a, b image.Rectangle, eps float64) bool {
	delta := eps * float64(min(a.Dx(), b.Dx())+min(a.Dy(), b.Dy())) * 0.5
	d := func(p, q int) bool { return math.Abs(float64(p-q)) <= delta }
	return d(a.Min.X, b.Min.X) && d(a.Min.Y, b.Min.Y) && d(a.Max.X, b.Max.X) && d(a.Max.Y, b.Max.Y)
}
