package diffusion

import (
	"github.com/videodit/videodit/internal/nn"
)

// GeometryDim is the number of per-frame mask-geometry features that
// Options.Geometry appends to the pooled features.
const GeometryDim = 8

// Geometry describes the union mask M_t of each frame of a prepared clip by
// GeometryDim numbers, shape (T, GeometryDim), axes (frame, feature), read
// from clip.Masks (the mask at the denoiser's resolution):
//
//	0 present: 1 when the mask holds a pixel, else 0
//	1 area: the fraction of the frame inside the mask
//	2, 3 cx, cy: the mask's centroid, as fractions of the width and height
//	4, 5 w, h: its bounding box's width and height, as fractions
//	6, 7 dx, dy: 10 times the centroid's move since the previous frame
//	  (0 on the first frame and when either frame's mask is empty)
//
// Every feature is 0 where the mask is empty. The pooled means of the
// denoiser's states say what is inside M_t; these say where it is and how it
// moves, which touches, stops and entries are made of.
func Geometry(clip *Clip) []float32 {
	s := clip.Masks.Shape()
	h, w := s[1], s[2]
	m := clip.Masks.Float32s()
	out := make([]float32, clip.T*GeometryDim)
	for t := range clip.T {
		var n, sx, sy float64
		x0, y0, x1, y1 := w, h, -1, -1
		for y := range h {
			for x := range w {
				if m[(t*h+y)*w+x] == 0 {
					continue
				}
				n++
				sx += float64(x) + 0.5
				sy += float64(y) + 0.5
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
		if n == 0 {
			continue
		}
		g := out[t*GeometryDim : (t+1)*GeometryDim]
		g[0] = 1
		g[1] = float32(n / float64(w*h))
		g[2], g[3] = float32(sx/n/float64(w)), float32(sy/n/float64(h))
		g[4], g[5] = float32(x1-x0+1)/float32(w), float32(y1-y0+1)/float32(h)
		if t > 0 && out[(t-1)*GeometryDim] == 1 {
			p := out[(t-1)*GeometryDim : t*GeometryDim]
			g[6], g[7] = 10*(g[2]-p[2]), 10*(g[3]-p[3])
		}
	}
	return out
}

// withGeometry appends Geometry(clip) to pooled features (T, P) when the
// options ask for it, then the clip's entity features (zeros when it has
// none) when Options.Entities > 0.
func (enc *Encoder) withGeometry(e nn.Exec, pooled nn.V, clip *Clip) nn.V {
	if enc.Options.Geometry {
		pooled = e.Concat(1, pooled, e.Const(dense(Geometry(clip), clip.T, GeometryDim)))
	}
	if n := enc.Options.Entities; n > 0 {
		ent := clip.Entities
		if ent == nil {
			ent = dense(make([]float32, clip.T*EntityFeaturesDim(n)), clip.T, EntityFeaturesDim(n))
		}
		pooled = e.Concat(1, pooled, e.Const(ent))
	}
	return pooled
}
