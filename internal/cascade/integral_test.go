package cascade

import (
	"image"
	"math/rand/v2"
	"testing"
)

func randomGrey(r *rand.Rand, w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = uint8(r.IntN(256))
	}
	return g
}

// TestIntegralsMatchBruteForce checks the upright, squared and tilted tables
// against their definitions on every rectangle of a small random image.
func TestIntegralsMatchBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const w, h = 9, 7
	g := randomGrey(r, w, h)
	ii := newIntegrals(g, true)
	px := func(x, y int) float64 {
		if x < 0 || x >= w || y < 0 || y >= h {
			return 0
		}
		return float64(g.Pix[y*g.Stride+x])
	}
	// Tilted table by its definition: T(X,Y) = sum over y<Y, |x-X+1| <= Y-y-1.
	for Y := 0; Y <= h; Y++ {
		for X := -ii.margin; X < w+1+ii.margin; X++ {
			want := 0.0
			for y := 0; y < Y; y++ {
				for x := X - 1 - (Y - 1 - y); x <= X-1+(Y-1-y); x++ {
					want += px(x, y)
				}
			}
			if got := ii.tilt[Y*ii.tst+X+ii.margin]; got != want {
				t.Fatalf("T(%d,%d) = %v, want %v", X, Y, got, want)
			}
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for rh := 1; y+rh <= h; rh++ {
				for rw := 1; x+rw <= w; rw++ {
					s, q := 0.0, 0.0
					for yy := y; yy < y+rh; yy++ {
						for xx := x; xx < x+rw; xx++ {
							s += px(xx, yy)
							q += px(xx, yy) * px(xx, yy)
						}
					}
					if got := ii.sum(x, y, rw, rh); got != s {
						t.Fatalf("sum(%d,%d,%d,%d) = %v, want %v", x, y, rw, rh, got, s)
					}
					if got := ii.sqsum(x, y, rw, rh); got != q {
						t.Fatalf("sqsum(%d,%d,%d,%d) = %v, want %v", x, y, rw, rh, got, q)
					}
				}
			}
		}
	}
}

// TestTiltedSumIsRotatedRectangle checks tiltedSum against the pixels of the
// 45-degree rectangle it stands for in OpenCV's convention: its top vertex is
// the top edge's midpoint of pixel (x-1,y), that is the point (x-0.5, y), and
// its sides of w and h pixel diagonals go down-right and down-left; a pixel
// belongs to it when its centre lies inside. A 1x1 tilted rectangle holds the
// two pixels (x-1,y) and (x-1,y+1).
func TestTiltedSumIsRotatedRectangle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const w, h = 16, 16
	g := randomGrey(r, w, h)
	ii := newIntegrals(g, true)
	for _, tc := range []struct{ x, y, rw, rh int }{
		{4, 0, 2, 2}, {6, 1, 3, 2}, {5, 2, 1, 4}, {8, 3, 4, 4}, {3, 0, 1, 1}, {10, 5, 5, 3},
	} {
		want := 0.0
		for py := 0; py < h; py++ {
			for px := 0; px < w; px++ {
				// Centre of the pixel relative to the top corner of the
				// rectangle, in the rotated frame: u along (1,1), v along (-1,1).
				cx, cy := float64(px)+1-float64(tc.x), float64(py)+0.5-float64(tc.y)
				u, v := (cx+cy)/2, (cy-cx)/2
				if u > 0 && u < float64(tc.rw) && v > 0 && v < float64(tc.rh) {
					want += float64(g.Pix[py*g.Stride+px])
				}
			}
		}
		if got := ii.tiltedSum(tc.x, tc.y, tc.rw, tc.rh); got != want {
			t.Errorf("tiltedSum%v = %v, want %v", tc, got, want)
		}
	}
}
