package cascade

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Limits on what a cascade file may declare, so that a corrupt or hostile
// file gets an error instead of an enormous allocation.
const (
	maxWindow   = 1024    // window width or height in pixels
	maxFeatures = 1 << 20 // features in one file
	maxNodes    = 1 << 16 // nodes in one weak classifier
)

type xmlStorage struct {
	Cascade *xmlCascade `xml:"cascade"`
}

type xmlCascade struct {
	StageType   string       `xml:"stageType"`
	FeatureType string       `xml:"featureType"`
	Height      int          `xml:"height"`
	Width       int          `xml:"width"`
	MaxCatCount int          `xml:"featureParams>maxCatCount"`
	Stages      []xmlStage   `xml:"stages>_"`
	Features    []xmlFeature `xml:"features>_"`
}

type xmlStage struct {
	Threshold string    `xml:"stageThreshold"`
	Weak      []xmlWeak `xml:"weakClassifiers>_"`
}

type xmlWeak struct {
	Nodes  string `xml:"internalNodes"`
	Leaves string `xml:"leafValues"`
}

type xmlFeature struct {
	Rects  []string `xml:"rects>_"`
	Tilted string   `xml:"tilted"`
	Rect   string   `xml:"rect"`
}

// Load reads a cascade XML file.
func Load(path string) (*Cascade, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cascade: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a cascade in OpenCV's XML format from r; name (usually the file
// name) is used in error messages. Only the new format (a <cascade> element
// with stageType BOOST) is read; the old <haarcascade_...> format of OpenCV 1
// gets an error.
func Parse(r io.Reader, name string) (*Cascade, error) {
	var doc xmlStorage
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("cascade %s: %w", name, err)
	}
	c, err := build(doc.Cascade)
	if err != nil {
		return nil, fmt.Errorf("cascade %s: %w", name, err)
	}
	return c, nil
}

func build(x *xmlCascade) (*Cascade, error) {
	if x == nil {
		return nil, fmt.Errorf("no <cascade> element (old-format cascades are not supported)")
	}
	if x.StageType != "BOOST" {
		return nil, fmt.Errorf("stage type %q: only BOOST is supported", x.StageType)
	}
	if x.Width <= 2 || x.Height <= 2 || x.Width > maxWindow || x.Height > maxWindow {
		return nil, fmt.Errorf("window %dx%d outside 3..%d", x.Width, x.Height, maxWindow)
	}
	if len(x.Features) > maxFeatures {
		return nil, fmt.Errorf("%d features, more than %d", len(x.Features), maxFeatures)
	}
	c := &Cascade{Width: x.Width, Height: x.Height}
	switch x.FeatureType {
	case "HAAR":
		c.Kind = Haar
		if x.MaxCatCount != 0 {
			return nil, fmt.Errorf("HAAR cascade with maxCatCount %d, want 0", x.MaxCatCount)
		}
		for i, f := range x.Features {
			h, err := parseHaar(f, x.Width, x.Height)
			if err != nil {
				return nil, fmt.Errorf("feature %d: %w", i, err)
			}
			c.haar = append(c.haar, h)
		}
	case "LBP":
		c.Kind = LBP
		if x.MaxCatCount != 256 {
			return nil, fmt.Errorf("LBP cascade with maxCatCount %d, want 256", x.MaxCatCount)
		}
		for i, f := range x.Features {
			l, err := parseLBP(f, x.Width, x.Height)
			if err != nil {
				return nil, fmt.Errorf("feature %d: %w", i, err)
			}
			c.lbp = append(c.lbp, l)
		}
	default:
		return nil, fmt.Errorf("feature type %q: only HAAR and LBP are supported", x.FeatureType)
	}
	if len(x.Stages) == 0 {
		return nil, fmt.Errorf("no stages")
	}
	nfeat := len(c.haar) + len(c.lbp)
	for si, xs := range x.Stages {
		thr, err := strconv.ParseFloat(strings.TrimSpace(xs.Threshold), 64)
		if err != nil {
			return nil, fmt.Errorf("stage %d threshold: %w", si, err)
		}
		s := stage{threshold: thr}
		for wi, xw := range xs.Weak {
			t, err := parseTree(xw, c.Kind, nfeat)
			if err != nil {
				return nil, fmt.Errorf("stage %d weak classifier %d: %w", si, wi, err)
			}
			s.trees = append(s.trees, t)
		}
		if len(s.trees) == 0 {
			return nil, fmt.Errorf("stage %d has no weak classifiers", si)
		}
		c.stages = append(c.stages, s)
	}
	return c, nil
}

func fields(s string) []string { return strings.Fields(s) }

func parseInts(ss []string) ([]int, error) {
	out := make([]int, len(ss))
	for i, s := range ss {
		v, err := strconv.Atoi(s)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func parseFloats(ss []string) ([]float64, error) {
	out := make([]float64, len(ss))
	for i, s := range ss {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// parseHaar reads one Haar feature: two or three rectangles "x y w h weight"
// and an optional <tilted>1</tilted>.
func parseHaar(f xmlFeature, winW, winH int) (haarFeature, error) {
	var h haarFeature
	if n := len(f.Rects); n < 1 || n > 3 {
		return h, fmt.Errorf("%d rectangles, want 1 to 3", n)
	}
	switch strings.TrimSpace(f.Tilted) {
	case "", "0":
	case "1":
		h.tilted = true
	default:
		return h, fmt.Errorf("tilted %q, want 0 or 1", f.Tilted)
	}
	for i, rs := range f.Rects {
		p := fields(rs)
		if len(p) != 5 {
			return h, fmt.Errorf("rectangle %d %q: want x y w h weight", i, rs)
		}
		v, err := parseInts(p[:4])
		if err != nil {
			return h, fmt.Errorf("rectangle %d: %w", i, err)
		}
		w, err := strconv.ParseFloat(p[4], 64)
		if err != nil {
			return h, fmt.Errorf("rectangle %d weight: %w", i, err)
		}
		r := haarRect{x: v[0], y: v[1], w: v[2], h: v[3], weight: w}
		if err := r.check(h.tilted, winW, winH); err != nil {
			return h, fmt.Errorf("rectangle %d: %w", i, err)
		}
		h.rects = append(h.rects, r)
	}
	return h, nil
}

// check verifies that the rectangle lies inside the window, so that feature
// evaluation never reads outside the integral images.
func (r haarRect) check(tilted bool, winW, winH int) error {
	if r.x < 0 || r.y < 0 || r.w <= 0 || r.h <= 0 {
		return fmt.Errorf("rectangle %d,%d %dx%d has a negative origin or empty size", r.x, r.y, r.w, r.h)
	}
	if !tilted {
		if r.x+r.w > winW || r.y+r.h > winH {
			return fmt.Errorf("rectangle %d,%d %dx%d leaves the %dx%d window", r.x, r.y, r.w, r.h, winW, winH)
		}
		return nil
	}
	// A tilted rectangle spans columns x-h .. x+w and rows y .. y+w+h.
	if r.x-r.h < 0 || r.x+r.w > winW || r.y+r.w+r.h > winH {
		return fmt.Errorf("tilted rectangle %d,%d %dx%d leaves the %dx%d window", r.x, r.y, r.w, r.h, winW, winH)
	}
	return nil
}

// parseLBP reads one LBP feature: the block "x y w h" of a 3x3 grid of
// blocks, the whole grid lying inside the window.
func parseLBP(f xmlFeature, winW, winH int) (lbpFeature, error) {
	p := fields(f.Rect)
	if len(p) != 4 {
		return lbpFeature{}, fmt.Errorf("rect %q: want x y w h", f.Rect)
	}
	v, err := parseInts(p)
	if err != nil {
		return lbpFeature{}, fmt.Errorf("rect: %w", err)
	}
	l := lbpFeature{x: v[0], y: v[1], w: v[2], h: v[3]}
	if l.x < 0 || l.y < 0 || l.w <= 0 || l.h <= 0 || l.x+3*l.w > winW || l.y+3*l.h > winH {
		return lbpFeature{}, fmt.Errorf("rect %d,%d %dx%d: its 3x3 grid leaves the %dx%d window", l.x, l.y, l.w, l.h, winW, winH)
	}
	return l, nil
}

// parseTree reads one weak classifier: internal nodes of 4 numbers (left,
// right, feature, threshold) for Haar or 11 (left, right, feature, 8 subset
// words) for LBP, and the leaf values. Child indices > 0 name internal nodes,
// indices <= 0 name leaf -index.
func parseTree(xw xmlWeak, kind Kind, nfeat int) (tree, error) {
	var t tree
	nodeLen := 4
	if kind == LBP {
		nodeLen = 11
	}
	p := fields(xw.Nodes)
	if len(p) == 0 || len(p)%nodeLen != 0 || len(p)/nodeLen > maxNodes {
		return t, fmt.Errorf("%d numbers in internalNodes, want a positive multiple of %d", len(p), nodeLen)
	}
	leaves, err := parseFloats(fields(xw.Leaves))
	if err != nil {
		return t, fmt.Errorf("leafValues: %w", err)
	}
	t.leaves = leaves
	nnodes := len(p) / nodeLen
	for i := 0; i < nnodes; i++ {
		q := p[i*nodeLen : (i+1)*nodeLen]
		ints, err := parseInts(q[:3])
		if err != nil {
			return t, fmt.Errorf("node %d: %w", i, err)
		}
		n := node{left: ints[0], right: ints[1], feature: ints[2]}
		if n.feature < 0 || n.feature >= nfeat {
			return t, fmt.Errorf("node %d uses feature %d of %d", i, n.feature, nfeat)
		}
		for _, child := range []int{n.left, n.right} {
			if child >= nnodes || -child >= len(leaves) {
				return t, fmt.Errorf("node %d child %d outside %d nodes and %d leaves", i, child, nnodes, len(leaves))
			}
			if child > 0 && child <= i {
				return t, fmt.Errorf("node %d child %d points backwards (a cycle)", i, child)
			}
		}
		if kind == Haar {
			thr, err := strconv.ParseFloat(q[3], 64)
			if err != nil {
				return t, fmt.Errorf("node %d threshold: %w", i, err)
			}
			n.threshold = thr
		} else {
			sub, err := parseInts(q[3:])
			if err != nil {
				return t, fmt.Errorf("node %d subset: %w", i, err)
			}
			for k, s := range sub {
				n.subset[k] = uint32(int32(s))
			}
		}
		t.nodes = append(t.nodes, n)
	}
	return t, nil
}
