package cascade

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tinyHaar is a one-stage cascade over a 4x4 window with one feature: the
// left half minus the right half of the inner 2x2 block. A window is accepted
// when the normalised feature is >= 0.
const tinyHaar = `<?xml version="1.0"?>
<opencv_storage>
<cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
  <featureType>HAAR</featureType><height>4</height><width>4</width>
  <featureParams><maxCatCount>0</maxCatCount></featureParams>
  <stageNum>1</stageNum>
  <stages><_><maxWeakCount>1</maxWeakCount><stageThreshold>0.</stageThreshold>
    <weakClassifiers><_><internalNodes>0 -1 0 0.</internalNodes>
      <leafValues>-1. 1.</leafValues></_></weakClassifiers></_></stages>
  <features><_><rects><_>1 1 1 2 1.</_><_>2 1 1 2 -1.</_></rects></_></features>
</cascade>
</opencv_storage>
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, from, to, want string
	}{
		{"truncated", "</opencv_storage>", "", "cascade tiny.xml:"},
		{"old format", "", `<opencv_storage><haar type_id="opencv-haar-classifier"></haar></opencv_storage>`, "no <cascade> element"},
		{"stage type", "BOOST", "GAB", "stage type"},
		{"feature type", "<featureType>HAAR", "<featureType>HOG", "feature type"},
		{"window", "<height>4</height>", "<height>100000</height>", "window"},
		{"rect outside", "2 1 1 2 -1.", "3 1 2 2 -1.", "leaves the 4x4 window"},
		{"rect fields", "2 1 1 2 -1.", "2 1 1 -1.", "want x y w h weight"},
		{"bad feature index", "0 -1 0 0.", "0 -1 7 0.", "uses feature 7 of 1"},
		{"bad leaf", "0 -1 0 0.", "0 -5 0 0.", "outside 1 nodes and 2 leaves"},
		{"node length", "0 -1 0 0.", "0 -1 0", "positive multiple of 4"},
		{"threshold", "<stageThreshold>0.", "<stageThreshold>x", "stage 0 threshold"},
		{"no weak", "<weakClassifiers><_>", "<weakClassifiersX><_>", ""},
		{"tilted value", "</rects></_>", "</rects><tilted>2</tilted></_>", "tilted"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.to
			if tc.from != "" {
				src = strings.Replace(tinyHaar, tc.from, tc.to, 1)
			}
			_, err := Parse(strings.NewReader(src), "tiny.xml")
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "tiny.xml") {
				t.Errorf("error %q does not name the file or contain %q", err, tc.want)
			}
		})
	}
}

// TestTinyCascade runs the hand-made cascade on an image whose left half is
// bright and right half dark: windows straddling the edge with the bright
// side on the left fire, flat windows are rejected as too flat to normalise.
func TestTinyCascade(t *testing.T) {
	c, err := Parse(strings.NewReader(tinyHaar), "tiny.xml")
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, 8, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 8; x++ {
			if x < 4 {
				g.Pix[y*g.Stride+x] = 200
			} else {
				g.Pix[y*g.Stride+x] = 20
			}
		}
	}
	got, err := c.Detect(context.Background(), g, Options{MinNeighbors: -1, ScaleFactor: 4})
	if err != nil {
		t.Fatal(err)
	}
	// Windows at x = 0, 2, 4 (step 2, scale 1). x=0: inner block columns 1-2
	// are bright: flat inner window, rejected. x=2: inner columns 3 (bright)
	// and 4 (dark): left - right > 0, accepted. x=4: flat, rejected.
	want := []Detection{{Box: image.Rect(2, 0, 6, 4), Neighbors: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Detect (-want +got):\n%s", diff)
	}
}

func TestDetectOptionsAndContext(t *testing.T) {
	c, err := Parse(strings.NewReader(tinyHaar), "tiny.xml")
	if err != nil {
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, 16, 16))
	for _, o := range []Options{{ScaleFactor: 1}, {ScaleFactor: 0.5}, {MinSize: -1}} {
		if _, err := c.Detect(context.Background(), g, o); err == nil {
			t.Errorf("Detect with %+v succeeded, want an error", o)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Detect(ctx, g, Options{}); err == nil {
		t.Error("Detect with a cancelled context succeeded")
	}
	if got, err := c.Detect(context.Background(), image.NewGray(image.Rect(0, 0, 0, 0)), Options{}); err != nil || got != nil {
		t.Errorf("Detect on an empty image = %v, %v; want nil, nil", got, err)
	}
}

func TestGroupRectangles(t *testing.T) {
	r := func(x, y, w, h int) image.Rectangle { return image.Rect(x, y, x+w, y+h) }
	tests := []struct {
		name         string
		in           []image.Rectangle
		minNeighbors int
		want         []Detection
	}{
		{"empty", nil, 3, nil},
		{"too few", []image.Rectangle{r(0, 0, 10, 10), r(1, 1, 10, 10)}, 3, nil},
		{"one cluster averaged", []image.Rectangle{r(0, 0, 10, 10), r(1, 0, 10, 10), r(0, 1, 10, 10), r(1, 1, 11, 11)}, 3,
			[]Detection{{Box: r(0, 0, 10, 10), Neighbors: 4}}},
		{"two clusters", []image.Rectangle{r(0, 0, 10, 10), r(1, 1, 10, 10), r(50, 50, 20, 20), r(51, 50, 20, 20)}, 1,
			[]Detection{{Box: r(0, 0, 10, 10), Neighbors: 2}, {Box: r(50, 50, 20, 20), Neighbors: 2}}},
		{"small inside stronger large", []image.Rectangle{
			r(10, 10, 5, 5), r(10, 10, 5, 5),
			r(0, 0, 40, 40), r(0, 0, 40, 40), r(1, 0, 40, 40), r(0, 1, 40, 40)}, 1,
			[]Detection{{Box: r(0, 0, 40, 40), Neighbors: 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := groupRectangles(tc.in, tc.minNeighbors, 0.2)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("groupRectangles (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(tinyHaar))
	f.Add([]byte(strings.Replace(tinyHaar, "0 -1 0 0.", "1 -1 0 0. -2 -3 0 1.", 1)))
	if b, err := os.ReadFile(filepath.Join(debianCascades, "lbpcascades", "lbpcascade_frontalface_improved.xml")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(bytes.NewReader(data), "fuzz.xml")
		if err != nil {
			return
		}
		// Whatever parses must evaluate without reading outside its tables.
		g := image.NewGray(image.Rect(0, 0, c.Width+3, c.Height+3))
		for i := range g.Pix {
			g.Pix[i] = uint8(i * 37)
		}
		if _, err := c.Detect(context.Background(), g, Options{MinNeighbors: -1}); err != nil {
			t.Fatal(err)
		}
	})
}
