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

// compiled holds a cascade's features as offsets into the integral tables of
// one image size, so that evaluating a feature is a few indexed loads.
type compiled struct {
	haar []compiledHaar
	lbp  [][16]int // the 4x4 grid corners of each LBP feature's 3x3 blocks
}

type compiledHaar struct {
	n      int
	tilted bool
	off    [3][4]int
	weight [3]float64
}

func (c *Cascade) compile(ii *integrals) *compiled {
	st := ii.w + 1
	cc := &compiled{}
	for _, f := range c.haar {
		h := compiledHaar{n: len(f.rects), tilted: f.tilted}
		for i, r := range f.rects {
			h.weight[i] = r.weight
			if f.tilted {
				ts := ii.tst
				h.off[i] = [4]int{
					r.y*ts + r.x,
					(r.y+r.h)*ts + r.x - r.h,
					(r.y+r.w)*ts + r.x + r.w,
					(r.y+r.w+r.h)*ts + r.x + r.w - r.h,
				}
			} else {
				h.off[i] = [4]int{r.y*st + r.x, r.y*st + r.x + r.w, (r.y+r.h)*st + r.x, (r.y+r.h)*st + r.x + r.w}
			}
		}
		cc.haar = append(cc.haar, h)
	}
	for _, f := range c.lbp {
		var o [16]int
		for j := 0; j < 4; j++ {
			for i := 0; i < 4; i++ {
				o[j*4+i] = (f.y+j*f.h)*st + f.x + i*f.w
			}
		}
		cc.lbp = append(cc.lbp, o)
	}
	return cc
}

// classify runs the cascade on the window whose top-left corner is (x,y) in
// the integral images of ii. It returns 1 when every stage accepts, -s when
// stage s rejects (0 for the first stage), and -1 when the window is too flat
// to normalise (Haar only), following cv::CascadeClassifier::runAt.
func (c *Cascade) classify(cc *compiled, ii *integrals, x, y int) int {
	var norm float64
	if c.Kind == Haar {
		var ok bool
		norm, ok = ii.varianceNorm(x+1, y+1, c.Width-2, c.Height-2)
		if !ok {
			return -1
		}
	}
	pu := y*(ii.w+1) + x
	pt := y*ii.tst + x + ii.margin
	for si := range c.stages {
		s := &c.stages[si]
		sum := 0.0
		for ti := range s.trees {
			t := &s.trees[ti]
			idx := 0
			for {
				n := &t.nodes[idx]
				if c.Kind == Haar {
					if cc.haar[n.feature].value(ii, pu, pt)*norm < n.threshold {
						idx = n.left
					} else {
						idx = n.right
					}
				} else {
					code := lbpCode(&cc.lbp[n.feature], ii.sumT, pu)
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

// value is the weighted sum of the feature's rectangles for the window whose
// origin is at index pu of the upright table and pt of the tilted one,
// before variance normalisation.
func (h *compiledHaar) value(ii *integrals, pu, pt int) float64 {
	t, p := ii.sumT, pu
	if h.tilted {
		t, p = ii.tilt, pt
	}
	v := 0.0
	for i := 0; i < h.n; i++ {
		o := &h.off[i]
		v += h.weight[i] * (t[p+o[0]] - t[p+o[1]] - t[p+o[2]] + t[p+o[3]])
	}
	return v
}

// lbpCode is the 8-bit multi-block LBP code of a feature for the window at
// index p of the upright table: each of the 8 outer blocks of the 3x3 grid
// sets its bit when its sum is >= the centre block's, in OpenCV's bit order
// (clockwise from the top-left block, top-left = bit 7).
func lbpCode(o *[16]int, t []float64, p int) int {
	block := func(i, j int) float64 {
		k := j*4 + i
		return t[p+o[k]] - t[p+o[k+1]] - t[p+o[k+4]] + t[p+o[k+5]]
	}
	centre := block(1, 1)
	code := 0
	for bit, q := range [8][2]int{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}} {
		if block(q[0], q[1]) >= centre {
			code |= 128 >> bit
		}
	}
	return code
}
