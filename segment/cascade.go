package segment

import (
	"context"
	"fmt"
	goimage "image"
	"math"
	"path/filepath"
	"sort"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/cascade"
)

// DefaultCascadeDir is where Debian's opencv-data package installs OpenCV's
// cascade files (haarcascades/ and lbpcascades/ below it).
const DefaultCascadeDir = "/usr/share/opencv4"

// CascadeNouns is the noun-to-cascade table of CascadeDetector: a phrase
// whose head noun is a key is detected with every cascade file listed (paths
// relative to the cascade directory), and its proposals are the union of
// theirs. Phrases with other head nouns are never detected, so the Segmenter
// drops them as ungroundable.
var CascadeNouns = map[string][]string{
	"person":     {"haarcascades/haarcascade_fullbody.xml", "haarcascades/haarcascade_upperbody.xml"},
	"pedestrian": {"haarcascades/haarcascade_fullbody.xml"},
	"man":        {"haarcascades/haarcascade_fullbody.xml", "haarcascades/haarcascade_upperbody.xml"},
	"woman":      {"haarcascades/haarcascade_fullbody.xml", "haarcascades/haarcascade_upperbody.xml"},
	"body":       {"haarcascades/haarcascade_fullbody.xml"},
	"face":       {"haarcascades/haarcascade_frontalface_alt.xml"},
}

// CascadeDetector is the Detector for real footage: it grounds the nouns of
// CascadeNouns with OpenCV's boosted cascades (Haar and LBP) evaluated by our
// own code, frame by frame, on the grey image
// Y = 0.299 R + 0.587 G + 0.114 B. Each grouped detection becomes a
// proposal whose mask is its box and whose score is n/(n+MinNeighbors) for
// n grouped raw hits, so a detection with just enough support scores a
// little above 0.5. It implements Thresholder with 0.5.
type CascadeDetector struct {
	byHead map[string][]*cascade.Cascade
	opt    cascade.Options
}

var (
	_ Detector    = (*CascadeDetector)(nil)
	_ Thresholder = (*CascadeDetector)(nil)
)

// NewCascadeDetector loads the cascades of CascadeNouns from dir (""
// means DefaultCascadeDir). opt tunes the multi-scale search; its zero value
// gives OpenCV's defaults (scale factor 1.1, 3 neighbours).
func NewCascadeDetector(dir string, opt cascade.Options) (*CascadeDetector, error) {
	if dir == "" {
		dir = DefaultCascadeDir
	}
	if opt.MinNeighbors == 0 {
		opt.MinNeighbors = 3
	}
	if opt.MinNeighbors < 0 {
		return nil, fmt.Errorf("segment: cascade detector needs MinNeighbors >= 1 to score detections, got %d", opt.MinNeighbors)
	}
	d := &CascadeDetector{byHead: make(map[string][]*cascade.Cascade), opt: opt}
	loaded := make(map[string]*cascade.Cascade)
	heads := make([]string, 0, len(CascadeNouns))
	for h := range CascadeNouns {
		heads = append(heads, h)
	}
	sort.Strings(heads)
	for _, h := range heads {
		for _, f := range CascadeNouns[h] {
			c, ok := loaded[f]
			if !ok {
				var err error
				c, err = cascade.Load(filepath.Join(dir, f))
				if err != nil {
					return nil, fmt.Errorf("segment: cascade for %q: %w", h, err)
				}
				loaded[f] = c
			}
			d.byHead[h] = append(d.byHead[h], c)
		}
	}
	return d, nil
}

// Threshold is the score a cascade detection needs to count (tau_i): 0.5.
func (d *CascadeDetector) Threshold(Phrase) float64 { return 0.5 }

// Detect runs the cascades of each phrase's head noun on every frame of
// frames, a float32 (T,H,W,3) tensor in [0,1]. props[i][t] holds the
// detections of phrases[i] in frame t, highest score first.
func (d *CascadeDetector) Detect(ctx context.Context, frames *tensor.Dense, phrases []Phrase) ([][][]Proposal, error) {
	c, err := readClip(frames)
	if err != nil {
		return nil, fmt.Errorf("segment: cascade detector: %w", err)
	}
	props := make([][][]Proposal, len(phrases))
	for i := range props {
		props[i] = make([][]Proposal, c.t)
	}
	for t := 0; t < c.t; t++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("segment: cascade detector at frame %d: %w", t, err)
		}
		grey := greyFrame(c, t)
		found := make(map[*cascade.Cascade][]cascade.Detection)
		for i, p := range phrases {
			for _, cas := range d.byHead[p.Head] {
				dets, ok := found[cas]
				if !ok {
					dets, err = cas.Detect(ctx, grey, d.opt)
					if err != nil {
						return nil, fmt.Errorf("segment: cascade detector at frame %d: %w", t, err)
					}
					found[cas] = dets
				}
				for _, det := range dets {
					b := Box{X0: det.Box.Min.X, Y0: det.Box.Min.Y, X1: det.Box.Max.X, Y1: det.Box.Max.Y}
					props[i][t] = append(props[i][t], Proposal{
						Mask:  MaskFromBox(c.w, c.h, b),
						Box:   b,
						Score: float64(det.Neighbors) / float64(det.Neighbors+d.opt.MinNeighbors),
					})
				}
			}
			sort.SliceStable(props[i][t], func(a, b int) bool { return props[i][t][a].Score > props[i][t][b].Score })
		}
	}
	return props, nil
}

// greyFrame converts frame t to 8-bit grey levels with the ITU-R 601 luma
// weights OpenCV uses.
func greyFrame(c clip, t int) *goimage.Gray {
	f := c.frame(t)
	g := goimage.NewGray(goimage.Rect(0, 0, c.w, c.h))
	for i := range g.Pix {
		r, gr, b := f[3*i], f[3*i+1], f[3*i+2]
		v := 255 * (0.299*float64(r) + 0.587*float64(gr) + 0.114*float64(b))
		g.Pix[i] = uint8(math.Round(min(max(v, 0), 255)))
	}
	return g
}
