package cascade

import (
	"context"
	"encoding/json"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// debianCascades is where Debian's opencv-data package installs the cascades.
const debianCascades = "/usr/share/opencv4"

type referenceCase struct {
	Image   string   `json:"image"`
	Cascade string   `json:"cascade"`
	Boxes   [][4]int `json:"boxes"`
}

func readGrey(t testing.TB, path string) *image.Gray {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g
}

func iou(a, b image.Rectangle) float64 {
	in := a.Intersect(b)
	if in.Empty() {
		return 0
	}
	i := float64(in.Dx() * in.Dy())
	return i / (float64(a.Dx()*a.Dy()+b.Dx()*b.Dy()) - i)
}

// TestDetectMatchesOpenCV compares Detect with cv2.CascadeClassifier's
// detectMultiScale on the fixtures of testdata/gen_reference.py: every box of
// OpenCV must be found with IoU >= 0.6 and we may not add boxes OpenCV does
// not have. Exact equality is not expected: OpenCV resizes with fixed-point
// arithmetic and normalises in float32.
func TestDetectMatchesOpenCV(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []referenceCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Image+"/"+filepath.Base(tc.Cascade), func(t *testing.T) {
			c, err := Load(filepath.Join(debianCascades, tc.Cascade))
			if err != nil {
				t.Fatal(err)
			}
			g := readGrey(t, filepath.Join("testdata", tc.Image))
			got, err := c.Detect(context.Background(), g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			matched := make([]bool, len(got))
			for _, b := range tc.Boxes {
				want := image.Rect(b[0], b[1], b[0]+b[2], b[1]+b[3])
				best, bi := 0.0, -1
				for i, d := range got {
					if v := iou(want, d.Box); v > best {
						best, bi = v, i
					}
				}
				if best < 0.6 {
					t.Errorf("OpenCV box %v not found (best IoU %.2f) in %v", want, best, got)
					continue
				}
				matched[bi] = true
			}
			for i, d := range got {
				if !matched[i] {
					t.Errorf("extra detection %v (OpenCV: %v)", d, tc.Boxes)
				}
			}
		})
	}
}

func BenchmarkDetectFullBody384x288(b *testing.B) {
	c, err := Load(filepath.Join(debianCascades, "haarcascades", "haarcascade_fullbody.xml"))
	if err != nil {
		b.Fatal(err)
	}
	g := readGrey(b, filepath.Join("testdata", "vtest_f100.png"))
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Detect(context.Background(), g, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
