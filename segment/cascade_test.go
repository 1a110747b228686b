package segment

import (
	"context"
	goimage "image"
	"image/draw"
	"image/png"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/cascade"
)

// greyClip reads a grey PNG and repeats it as a (T,H,W,3) clip.
func greyClip(t *testing.T, path string, frames int) *tensor.Dense {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	g := goimage.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	data := make([]float32, frames*h*w*3)
	for t := 0; t < frames; t++ {
		for i, p := range g.Pix {
			v := float32(p) / 255
			o := (t*h*w + i) * 3
			data[o], data[o+1], data[o+2] = v, v, v
		}
	}
	return tensor.New(tensor.WithShape(frames, h, w, 3), tensor.WithBacking(data))
}

// TestCascadeDetectorFindsPedestrians grounds "person" on a frame of
// OpenCV's vtest.avi (pedestrians): the full-body cascade's two detections
// of the reference fixture (internal/cascade/testdata/reference.json) come
// back as proposals with box masks; "sky", absent from the table, gets none.
func TestCascadeDetectorFindsPedestrians(t *testing.T) {
	d, err := NewCascadeDetector("", cascade.Options{})
	if err != nil {
		t.Fatal(err)
	}
	frames := greyClip(t, "../internal/cascade/testdata/vtest_f100.png", 2)
	props, err := d.Detect(context.Background(), frames, []Phrase{{Text: "person", Head: "person"}, {Text: "sky", Head: "sky"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 2 || len(props[0]) != 2 || len(props[1]) != 2 {
		t.Fatalf("got %d phrases x %d frames, want 2 x 2", len(props), len(props[0]))
	}
	for tt := 0; tt < 2; tt++ {
		if len(props[1][tt]) != 0 {
			t.Errorf("frame %d: %d proposals for \"sky\", want none", tt, len(props[1][tt]))
		}
		var boxes []Box
		for _, p := range props[0][tt] {
			if p.Score < d.Threshold(Phrase{}) || p.Score >= 1 {
				t.Errorf("frame %d: score %v outside [0.5,1)", tt, p.Score)
			}
			if b, ok := p.Mask.Box(); !ok || b != p.Box {
				t.Errorf("frame %d: mask box %v, want %v", tt, b, p.Box)
			}
			boxes = append(boxes, p.Box)
		}
		// OpenCV's full-body boxes (x,y,w,h): (275,28,49,99) and (289,70,26,52).
		want := []Box{{275, 28, 324, 127}, {289, 70, 315, 122}}
		near := func(a, b Box) bool {
			d := func(p, q int) bool { return p-q <= 4 && q-p <= 4 }
			return d(a.X0, b.X0) && d(a.Y0, b.Y0) && d(a.X1, b.X1) && d(a.Y1, b.Y1)
		}
		for _, w := range want {
			found := false
			for _, b := range boxes {
				found = found || near(w, b)
			}
			if !found {
				t.Errorf("frame %d: no person box near %v in %v", tt, w, boxes)
			}
		}
	}
}

func TestCascadeDetectorBadInput(t *testing.T) {
	if _, err := NewCascadeDetector(t.TempDir(), cascade.Options{}); err == nil {
		t.Error("NewCascadeDetector on an empty directory succeeded")
	}
	if _, err := NewCascadeDetector("", cascade.Options{MinNeighbors: -1}); err == nil {
		t.Error("NewCascadeDetector with MinNeighbors -1 succeeded")
	}
	d, err := NewCascadeDetector("", cascade.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := tensor.New(tensor.WithShape(1, 4, 4), tensor.Of(tensor.Float32))
	if _, err := d.Detect(context.Background(), bad, []Phrase{{Text: "person", Head: "person"}}); err == nil {
		t.Error("Detect on a (1,4,4) tensor succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok := tensor.New(tensor.WithShape(1, 30, 30, 3), tensor.Of(tensor.Float32))
	if _, err := d.Detect(ctx, ok, []Phrase{{Text: "person", Head: "person"}}); err == nil {
		t.Error("Detect with a cancelled context succeeded")
	}
	got, err := d.Detect(context.Background(), ok, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][][]Proposal{}, got); diff != "" {
		t.Errorf("Detect with no phrases (-want +got):\n%s", diff)
	}
}
