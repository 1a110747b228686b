package synth

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTensor(t *testing.T) {
	v, err := Generate(testConfigs[2], 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Meta
	x, err := v.Tensor([]int{0, m.Frames - 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, m.Height, m.Width, 3}, []int(x.Shape())); diff != "" {
		t.Errorf("shape (-want +got):\n%s", diff)
	}
	img, err := v.Frame(m.Frames - 1)
	if err != nil {
		t.Fatal(err)
	}
	data := x.Data().([]float32)
	for _, p := range [][2]int{{0, 0}, {m.Width - 1, m.Height - 1}, {m.Width / 2, m.Height / 3}} {
		for c := range 3 {
			got := data[((1*m.Height+p[1])*m.Width+p[0])*3+c]
			want := float32(img.Pix[img.PixOffset(p[0], p[1])+c]) / 255
			if got != want {
				t.Errorf("pixel %v channel %d: %v, want %v", p, c, got, want)
			}
		}
	}
	all, err := v.Tensor(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := all.Shape()[0]; got != m.Frames {
		t.Errorf("Tensor(nil) has %d frames, want %d", got, m.Frames)
	}
	for _, idx := range [][]int{{}, {m.Frames}, {-1}} {
		if _, err := v.Tensor(idx); err == nil {
			t.Errorf("Tensor(%v) succeeded", idx)
		}
	}
}
