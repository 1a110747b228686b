package cascade

// Kind is the feature type of a cascade.
type Kind int

const (
	// Haar cascades use weighted rectangle sums, optionally tilted by 45
	// degrees, normalised by the window's standard deviation.
	Haar Kind = iota
	// LBP cascades use multi-block local binary patterns.
	LBP
)

func (k Kind) String() string {
	if k == LBP {
		return "LBP"
	}
	return "HAAR"
}

// Cascade is a boosted cascade of weak classifiers over a fixed window.
// It is immutable after Parse and safe for concurrent use.
type Cascade struct {
	Kind          Kind
	Width, Height int // the base window in pixels

	stages []stage
	haar   []haarFeature
	lbp    []lbpFeature
}

type stage struct {
	threshold float64
	trees     []tree
}

type tree struct {
	nodes  []node
	leaves []float64
}

type node struct {
	left, right int // > 0: internal node; <= 0: leaf -index
	feature     int
	threshold   float64   // Haar
	subset      [8]uint32 // LBP: bit c set -> go left
}

type haarRect struct {
	x, y, w, h int
	weight     float64
}

type haarFeature struct {
	rects  []haarRect
	tilted bool
}

type lbpFeature struct{ x, y, w, h int }

// Stages returns the number of stages.
func (c *Cascade) Stages() int { return len(c.stages) }

// classify runs the cascade on the window whose top-left corner is (x,y) in
// the integral images of ii. It returns 1 when every stage accepts, -s when
// stage s rejects (0 for the first stage), and -1 when the window is too flat
// to normalise (Haar only), following cv::CascadeClassifier::runAt.
func (c *Cascade) classify(ii *integrals, x, y int) int {
	var norm float64
	if c.Kind == Haar {
		var ok bool
		norm, ok = ii.varianceNorm(x+1, y+1, c.Width-2, c.Height-2)
		if !ok {
			return -1
		}
	}
	for si := range c.stages {
		s := &c.stages[si]
		sum := 0.0
		for ti := range s.trees {
			t := &s.trees[ti]
			idx := 0
			for {
				n := &t.nodes[idx]
				if c.Kind == Haar {
					if c.haar[n.feature].value(ii, x, y)*norm < n.threshold {
						idx = n.left
					} else {
						idx = n.right
					}
				} else {
					code := c.lbp[n.feature].code(ii, x, y)
					if n.subset[code>>5]&(1<<(code&31)) != 0 {
						idx = n.left
					} else {
						idx = n.right
					}
				}
				if idx <= 0 {
					break
				}
			}
			sum += t.leaves[-idx]
		}
		if sum < s.threshold {
			return -si
		}
	}
	return 1
}

// value is the weighted sum of the feature's rectangles for the window at
// (x,y), before variance normalisation.
func (f *haarFeature) value(ii *integrals, x, y int) float64 {
	v := 0.0
	for _, r := range f.rects {
		if f.tilted {
			v += r.weight * ii.tiltedSum(x+r.x, y+r.y, r.w, r.h)
		} else {
			v += r.weight * ii.sum(x+r.x, y+r.y, r.w, r.h)
		}
	}
	return v
}

// code is the 8-bit multi-block LBP code of the feature for the window at
// (x,y): each of the 8 outer blocks of the 3x3 grid sets its bit when its sum
// is >= the centre block's, in OpenCV's bit order (clockwise from the
// top-left block, top-left = bit 7).
func (f *lbpFeature) code(ii *integrals, x, y int) int {
	bx, by := x+f.x, y+f.y
	b := func(i, j int) float64 { return ii.sum(bx+i*f.w, by+j*f.h, f.w, f.h) }
	centre := b(1, 1)
	code := 0
	for bit, p := range [8][2]int{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}} {
		if b(p[0], p[1]) >= centre {
			code |= 128 >> bit
		}
	}
	return code
}
