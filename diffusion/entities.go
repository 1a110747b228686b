package diffusion

import (
	"context"
	"fmt"
	"math"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/segment"
)

// EntityDim is the number of per-frame features of one entity slot and
// PairDim the number of one pair of slots (EntityFeatures).
const (
	EntityDim = 17
	PairDim   = 4
)

// TrackEncoder is an optional ability of a DiffusionEncoder: it also reads
// each entity's own masks, not only their union. tracks holds one mask
// sequence per entity in query order, each of len T and H x W like masks.
type TrackEncoder interface {
	EncodeTracks(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, tracks [][]segment.Mask, instruction string) (*tensor.Dense, error)
}

var _ TrackEncoder = (*Encoder)(nil)

// EntityFeaturesDim is the width of EntityFeatures for slots entity slots:
// slots*EntityDim + slots*(slots-1)/2*PairDim.
func EntityFeaturesDim(slots int) int {
	return slots*EntityDim + slots*(slots-1)/2*PairDim
}

// EntityFeatures describes, per frame, the first slots entities of tracks
// (one mask sequence per entity in query order, each of len T and H x W)
// on frames (T, H, W, 3) in [0, 1] (a 0 x 0 mask, which some segmenters
// leave before their start, reads as empty): shape (T, EntityFeaturesDim(slots)),
// axes (frame, feature). A slot without a track is all zeros. Each slot
// holds EntityDim values:
//
//	0-7 the mask's geometry, as Geometry describes the union mask
//	8-10 its mean colour
//	11-13 10 times the mean colour's change since the previous frame (0 when
//	  either frame's mask is empty)
//	14 at-border: 1 when the mask touches the frame's edge
//	15 entry: the presence's change since the previous frame (1 where the
//	  mask appears, -1 where it vanishes, 0 on the first frame)
//	16 10 times the area's change since the previous frame (an empty mask
//	  has area 0)
//
// then each pair of slots (i < j, in order (0,1), (0,2), ..., (1,2), ...)
// PairDim values, zero unless both masks are non-empty:
//
//	0 both: 1
//	1 gap: the distance between the bounding boxes, as a fraction of the
//	  frame's larger side (0 when they overlap or touch)
//	2 overlap: the intersection over union of the bounding boxes
//	3 distance: the distance between the centroids, as a fraction
//
// A frame where the slot's mask is empty has zeros but for 15 and 16. The
// union mask's features say where the entities are as a whole; a query
// about one of them ("the ball changes colour", "the cube touches the
// ball") needs each one's own state, which these give.
func EntityFeatures(frames *tensor.Dense, tracks [][]segment.Mask, slots int) ([]float32, error) {
	s := frames.Shape()
	if len(s) != 4 || s[3] != 3 {
		return nil, fmt.Errorf("diffusion: entity features: frames of shape %v, want (T, H, W, 3)", s)
	}
	if slots < 0 {
		return nil, fmt.Errorf("diffusion: entity features: %d slots", slots)
	}
	T, h, w := s[0], s[1], s[2]
	for i, tr := range tracks {
		if len(tr) != T {
			return nil, fmt.Errorf("diffusion: entity features: track %d has %d masks for %d frames", i, len(tr), T)
		}
		for t, m := range tr {
			if (m.Width() != w || m.Height() != h) && (m.Width() != 0 || m.Height() != 0) {
				return nil, fmt.Errorf("diffusion: entity features: track %d frame %d: mask %dx%d for %dx%d frames", i, t, m.Width(), m.Height(), w, h)
			}
		}
	}
	if frames.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("diffusion: entity features: frames of dtype %v, want float32", frames.Dtype())
	}
	if frames.RequiresIterator() {
		frames = frames.Materialize().(*tensor.Dense)
	}
	px := frames.Float32s()
	dim := EntityFeaturesDim(slots)
	out := make([]float32, T*dim)
	n := min(slots, len(tracks))
	boxes := make([][]segment.Box, n)
	for i := range n {
		boxes[i] = make([]segment.Box, T)
		for t, m := range tracks[i] {
			g := out[t*dim+i*EntityDim : t*dim+(i+1)*EntityDim]
			var prev []float32
			if t > 0 {
				prev = out[(t-1)*dim+i*EntityDim : (t-1)*dim+(i+1)*EntityDim]
			}
			boxes[i][t] = describeEntity(g, prev, m, px[t*h*w*3:(t+1)*h*w*3])
			if prev != nil {
				g[15], g[16] = g[0]-prev[0], 10*(g[1]-prev[1])
			}
		}
	}
	side := float64(max(w, h))
	for t := range T {
		o := out[t*dim+slots*EntityDim : (t+1)*dim]
		k := 0
		for i := range slots {
			for j := i + 1; j < slots; j++ {
				p := o[k*PairDim : (k+1)*PairDim]
				k++
				if j >= n || boxes[i][t].Empty() || boxes[j][t].Empty() {
					continue
				}
				a, b := boxes[i][t], boxes[j][t]
				gi, gj := out[t*dim+i*EntityDim:], out[t*dim+j*EntityDim:]
				gx := max(0, max(a.X0, b.X0)-min(a.X1, b.X1))
				gy := max(0, max(a.Y0, b.Y0)-min(a.Y1, b.Y1))
				inter := max(0, min(a.X1, b.X1)-max(a.X0, b.X0)) * max(0, min(a.Y1, b.Y1)-max(a.Y0, b.Y0))
				p[0] = 1
				p[1] = float32(math.Hypot(float64(gx), float64(gy)) / side)
				p[2] = float32(float64(inter) / float64(a.Area()+b.Area()-inter))
				p[3] = float32(math.Hypot(float64(gi[2]-gj[2])*float64(w), float64(gi[3]-gj[3])*float64(h)) / side)
			}
		}
	}
	return out, nil
}

// describeEntity writes one slot's EntityDim features of frame pixels
// (H, W, 3) under mask m into g, given the previous frame's (nil on the
// first), and returns the mask's bounding box (empty for an empty mask).
func describeEntity(g, prev []float32, m segment.Mask, pixels []float32) segment.Box {
	w, h := m.Width(), m.Height()
	if w == 0 || h == 0 {
		return segment.Box{}
	}
	var n, sx, sy float64
	var col [3]float64
	for y := range h {
		for x := range w {
			if !m.At(x, y) {
				continue
			}
			n++
			sx += float64(x) + 0.5
			sy += float64(y) + 0.5
			for c := range 3 {
				col[c] += float64(pixels[(y*w+x)*3+c])
			}
		}
	}
	if n == 0 {
		return segment.Box{}
	}
	b, _ := m.Box()
	g[0] = 1
	g[1] = float32(n / float64(w*h))
	g[2], g[3] = float32(sx/n/float64(w)), float32(sy/n/float64(h))
	g[4], g[5] = float32(b.X1-b.X0)/float32(w), float32(b.Y1-b.Y0)/float32(h)
	for c := range 3 {
		g[8+c] = float32(col[c] / n)
	}
	if prev != nil && prev[0] == 1 {
		g[6], g[7] = 10*(g[2]-prev[2]), 10*(g[3]-prev[3])
		for c := range 3 {
			g[11+c] = 10 * (g[8+c] - prev[8+c])
		}
	}
	if b.X0 == 0 || b.Y0 == 0 || b.X1 == w || b.Y1 == h {
		g[14] = 1
	}
	return b
}
