package segment

import (
	"fmt"
	"math/bits"
)

// Mask is a binary mask of one frame: one bit per pixel, Width x Height,
// row-major (pixel (x, y) is bit y*Width+x). It is the m_{i,t} of Eq. 5 and
// the M_t of Eq. 6. The zero Mask is an empty 0 x 0 mask.
//
// A Mask holds a reference to its bits: copying a Mask value shares them.
// Methods with a value receiver never modify the mask; use Clone before Set
// when a copy must stay independent.
type Mask struct {
	w, h int
	bits []uint64
}

// Box is an axis-aligned pixel rectangle, half-open: it covers the pixels
// X0 <= x < X1, Y0 <= y < Y1. A box with X1 <= X0 or Y1 <= Y0 is empty.
type Box struct {
	X0, Y0, X1, Y1 int
}

// Empty reports whether b covers no pixel.
func (b Box) Empty() bool { return b.X1 <= b.X0 || b.Y1 <= b.Y0 }

// Area is the number of pixels b covers (0 when empty).
func (b Box) Area() int {
	if b.Empty() {
		return 0
	}
	return (b.X1 - b.X0) * (b.Y1 - b.Y0)
}

// NewMask returns an empty (all zero) mask of w x h pixels. Negative sizes
// are treated as 0.
func NewMask(w, h int) Mask {
	w, h = max(w, 0), max(h, 0)
	return Mask{w: w, h: h, bits: make([]uint64, (w*h+63)/64)}
}

// MaskFromBox returns a w x h mask whose pixels inside b (clipped to the
// mask) are set.
func MaskFromBox(w, h int, b Box) Mask {
	m := NewMask(w, h)
	for y := max(b.Y0, 0); y < min(b.Y1, m.h); y++ {
		for x := max(b.X0, 0); x < min(b.X1, m.w); x++ {
			m.Set(x, y, true)
		}
	}
	return m
}

// Width is the mask's width in pixels.
func (m Mask) Width() int { return m.w }

// Height is the mask's height in pixels.
func (m Mask) Height() int { return m.h }

// At reports whether pixel (x, y) is set; pixels outside the mask are unset.
func (m Mask) At(x, y int) bool {
	if x < 0 || y < 0 || x >= m.w || y >= m.h {
		return false
	}
	i := y*m.w + x
	return m.bits[i>>6]&(1<<(i&63)) != 0
}

// Set sets or clears pixel (x, y); pixels outside the mask are ignored.
func (m *Mask) Set(x, y int, v bool) {
	if x < 0 || y < 0 || x >= m.w || y >= m.h {
		return
	}
	i := y*m.w + x
	if v {
		m.bits[i>>6] |= 1 << (i & 63)
	} else {
		m.bits[i>>6] &^= 1 << (i & 63)
	}
}

// Clone returns an independent copy of m.
func (m Mask) Clone() Mask {
	return Mask{w: m.w, h: m.h, bits: append([]uint64(nil), m.bits...)}
}

// Area is the number of set pixels.
func (m Mask) Area() int {
	n := 0
	for _, w := range m.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// Equal reports whether m and o have the same size and the same pixels.
func (m Mask) Equal(o Mask) bool {
	if m.w != o.w || m.h != o.h {
		return false
	}
	for i, w := range m.bits {
		if w != o.bits[i] {
			return false
		}
	}
	return true
}

func (m Mask) sameSize(o Mask) error {
	if m.w != o.w || m.h != o.h {
		return fmt.Errorf("segment: mask sizes differ: %dx%d and %dx%d", m.w, m.h, o.w, o.h)
	}
	return nil
}

// And returns the pixel-wise AND of m and o, or an error when their sizes
// differ.
func (m Mask) And(o Mask) (Mask, error) {
	if err := m.sameSize(o); err != nil {
		return Mask{}, err
	}
	r := m.Clone()
	for i, w := range o.bits {
		r.bits[i] &= w
	}
	return r, nil
}

// Or returns the pixel-wise OR of m and o (Eq. 6 for two masks), or an
// error when their sizes differ.
func (m Mask) Or(o Mask) (Mask, error) {
	if err := m.sameSize(o); err != nil {
		return Mask{}, err
	}
	r := m.Clone()
	for i, w := range o.bits {
		r.bits[i] |= w
	}
	return r, nil
}

// IoU is the intersection over union of m and o. Two empty masks agree
// perfectly: their IoU is 1. Sizes that differ are an error.
func (m Mask) IoU(o Mask) (float64, error) {
	if err := m.sameSize(o); err != nil {
		return 0, err
	}
	inter, union := 0, 0
	for i, w := range m.bits {
		inter += bits.OnesCount64(w & o.bits[i])
		union += bits.OnesCount64(w | o.bits[i])
	}
	if union == 0 {
		return 1, nil
	}
	return float64(inter) / float64(union), nil
}

// Box returns the tightest box holding every set pixel, and false when the
// mask is empty.
func (m Mask) Box() (Box, bool) {
	b := Box{X0: m.w, Y0: m.h}
	found := false
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w; x++ {
			if !m.At(x, y) {
				continue
			}
			found = true
			b.X0, b.Y0 = min(b.X0, x), min(b.Y0, y)
			b.X1, b.Y1 = max(b.X1, x+1), max(b.Y1, y+1)
		}
	}
	if !found {
		return Box{}, false
	}
	return b, true
}

// Union is the pixel-wise OR of masks (Eq. 6: M_t = OR_i m_{i,t}), binary,
// never weighted or smoothed. All masks must have the same size. The union
// of no masks is the empty 0 x 0 mask.
func Union(masks []Mask) (Mask, error) {
	if len(masks) == 0 {
		return Mask{}, nil
	}
	u := masks[0].Clone()
	for i, m := range masks[1:] {
		if err := u.sameSize(m); err != nil {
			return Mask{}, fmt.Errorf("segment: union of mask %d: %w", i+1, err)
		}
		for j, w := range m.bits {
			u.bits[j] |= w
		}
	}
	return u, nil
}
