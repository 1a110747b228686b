package segment

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// maskOf builds a mask from rows of '#' (set) and '.' (unset).
func maskOf(rows ...string) Mask {
	m := NewMask(len(rows[0]), len(rows))
	for y, r := range rows {
		for x, c := range r {
			m.Set(x, y, c == '#')
		}
	}
	return m
}

func TestMaskOps(t *testing.T) {
	a := maskOf(
		"##..",
		"##..",
		"....")
	b := maskOf(
		".##.",
		".##.",
		".##.")
	and, err := a.And(b)
	if err != nil {
		t.Fatal(err)
	}
	or, err := a.Or(b)
	if err != nil {
		t.Fatal(err)
	}
	iou, err := a.IoU(b)
	if err != nil {
		t.Fatal(err)
	}
	box, ok := b.Box()
	type summary struct {
		AndArea, OrArea, AArea int
		IoU                    float64
		Box                    Box
		BoxOK                  bool
		AndEq, OrEq            bool
	}
	want := summary{AndArea: 2, OrArea: 8, AArea: 4, IoU: 2.0 / 8, Box: Box{X0: 1, Y0: 0, X1: 3, Y1: 3}, BoxOK: true, AndEq: true, OrEq: true}
	got := summary{AndArea: and.Area(), OrArea: or.Area(), AArea: a.Area(), IoU: iou, Box: box, BoxOK: ok,
		AndEq: and.Equal(maskOf(".#..", ".#..", "....")),
		OrEq:  or.Equal(maskOf("###.", "###.", ".##."))}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mask operations (-want +got):\n%s", d)
	}
}

func TestMaskEdgeCases(t *testing.T) {
	empty := NewMask(5, 4)
	if iou, err := empty.IoU(NewMask(5, 4)); err != nil || iou != 1 {
		t.Errorf("IoU of two empty masks = %v, %v; want 1, nil", iou, err)
	}
	if _, ok := empty.Box(); ok {
		t.Errorf("Box of an empty mask reported ok")
	}
	for name, f := range map[string]func() error{
		"And": func() error { _, err := empty.And(NewMask(4, 5)); return err },
		"Or":  func() error { _, err := empty.Or(NewMask(4, 5)); return err },
		"IoU": func() error { _, err := empty.IoU(NewMask(4, 5)); return err },
	} {
		if f() == nil {
			t.Errorf("%s of masks of different sizes: no error", name)
		}
	}
	m := NewMask(3, 3)
	m.Set(-1, 0, true)
	m.Set(3, 3, true)
	if m.Area() != 0 || m.At(-1, 0) {
		t.Errorf("pixels outside the mask were set")
	}
	if n := NewMask(-2, 3); n.Width() != 0 || n.Area() != 0 {
		t.Errorf("NewMask(-2, 3) = %dx%d, want 0x3", n.Width(), n.Height())
	}
	c := maskOf("#.")
	d := c.Clone()
	d.Set(1, 0, true)
	if c.Area() != 1 {
		t.Errorf("Clone shares bits with the original")
	}
	if got := MaskFromBox(4, 3, Box{X0: -2, Y0: 1, X1: 2, Y1: 9}); !got.Equal(maskOf("....", "##..", "##..")) {
		t.Errorf("MaskFromBox does not clip to the mask")
	}
}

func TestUnion(t *testing.T) {
	tests := []struct {
		name    string
		masks   []Mask
		want    Mask
		wantErr bool
	}{
		{name: "pixel-wise OR (Eq. 6)", masks: []Mask{maskOf("#..", "..."), maskOf("...", "..#"), maskOf("#..", ".#.")}, want: maskOf("#..", ".##")},
		{name: "one mask", masks: []Mask{maskOf(".#")}, want: maskOf(".#")},
		{name: "no masks", masks: nil, want: Mask{}},
		{name: "sizes differ", masks: []Mask{NewMask(2, 2), NewMask(3, 2)}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Union(tt.masks)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Union error = %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && !got.Equal(tt.want) {
				t.Errorf("Union = %v, want %v", got, tt.want)
			}
		})
	}
	// The union is binary and leaves its inputs alone.
	a := maskOf("#.")
	if _, err := Union([]Mask{a, maskOf(".#")}); err != nil || a.Area() != 1 {
		t.Errorf("Union modified its input")
	}
}
