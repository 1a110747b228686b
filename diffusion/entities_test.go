package diffusion

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// colourFrames returns T frames of 16 x 16 whose pixels inside box[t]
// have colour col[t] and are 0 elsewhere.
func colourFrames(boxes []segment.Box, cols [][3]float32) *tensor.Dense {
	px := make([]float32, len(boxes)*16*16*3)
	for t, b := range boxes {
		for y := b.Y0; y < b.Y1; y++ {
			for x := b.X0; x < b.X1; x++ {
				copy(px[((t*16+y)*16+x)*3:], cols[t][:])
			}
		}
	}
	return dense(px, len(boxes), 16, 16, 3)
}

func TestEntityFeatures(t *testing.T) {
	none := segment.Box{}
	a := segment.Box{X0: 2, Y0: 4, X1: 8, Y1: 12}   // 6 x 8, centroid (5, 8)
	b := segment.Box{X0: 10, Y0: 4, X1: 14, Y1: 8}  // 4 x 4, centroid (12, 6), 2 px right of a
	c := segment.Box{X0: 6, Y0: 8, X1: 10, Y1: 12}  // overlaps a in 2 x 4 pixels
	edge := segment.Box{X0: 0, Y0: 0, X1: 2, Y1: 2} // at the frame's corner
	mk := func(bs ...segment.Box) []segment.Mask {
		out := make([]segment.Mask, len(bs))
		for i, x := range bs {
			out[i] = segment.MaskFromBox(16, 16, x)
		}
		return out
	}
	red, blue := [3]float32{1, 0, 0}, [3]float32{0, 0, 1}
	// Slot features: geometry, colour, colour change, at-border.
	// Slot features: geometry, colour, colour change, at-border, entry
	// and area change (prevArea -1: the first frame).
	slot := func(bx segment.Box, col, dcol [3]float32, dx, dy float32, border float32, prevArea int) []float32 {
		n := float32(bx.Area())
		entry, darea := float32(0), float32(0)
		if prevArea >= 0 {
			entry, darea = 0, 10*(n-float32(prevArea))/256
			if prevArea == 0 {
				entry = 1
			}
		}
		return []float32{1, n / 256, float32(bx.X0+bx.X1) / 32, float32(bx.Y0+bx.Y1) / 32,
			float32(bx.X1-bx.X0) / 16, float32(bx.Y1-bx.Y0) / 16, dx, dy,
			col[0], col[1], col[2], dcol[0], dcol[1], dcol[2], border, entry, darea}
	}
	gone := func(prevArea int) []float32 { // a mask that vanished
		g := make([]float32, EntityDim)
		g[15], g[16] = -1, -10*float32(prevArea)/256
		return g
	}
	zero := make([]float32, EntityDim)
	pairZero := make([]float32, PairDim)
	tests := []struct {
		name   string
		frames *tensor.Dense // the colour under the first track
		tracks [][]segment.Mask
		slots  int
		want   [][]float32 // per frame
	}{
		{
			name:   "one entity turns blue and moves",
			frames: colourFrames([]segment.Box{a, c}, [][3]float32{red, blue}),
			tracks: [][]segment.Mask{mk(a, c)},
			slots:  1,
			want: [][]float32{
				slot(a, red, [3]float32{}, 0, 0, 0, -1),
				slot(c, blue, [3]float32{-10, 0, 10}, 10*(8.0-5)/16, 10*(10.0-8)/16, 0, 48),
			},
		},
		{
			name:   "two entities apart, then one vanishes; a missing third slot",
			frames: colourFrames([]segment.Box{a, a}, [][3]float32{red, red}),
			tracks: [][]segment.Mask{mk(a, a), mk(b, none)},
			slots:  3,
			want: [][]float32{
				cat(slot(a, red, [3]float32{}, 0, 0, 0, -1), slot(b, [3]float32{}, [3]float32{}, 0, 0, 0, -1), zero,
					[]float32{1, 2.0 / 16, 0, float32(math.Hypot(7, 2) / 16)}, pairZero, pairZero),
				cat(slot(a, red, [3]float32{}, 0, 0, 0, 48), gone(16), zero, pairZero, pairZero, pairZero),
			},
		},
		{
			name:   "overlapping boxes and a mask at the border",
			frames: colourFrames([]segment.Box{none}, [][3]float32{red}),
			tracks: [][]segment.Mask{mk(a), mk(c), mk(edge)},
			slots:  3,
			want: [][]float32{cat(
				slot(a, [3]float32{}, [3]float32{}, 0, 0, 0, -1),
				slot(c, [3]float32{}, [3]float32{}, 0, 0, 0, -1),
				slot(edge, [3]float32{}, [3]float32{}, 0, 0, 1, -1),
				[]float32{1, 0, 8.0 / (48 + 16 - 8), float32(math.Hypot(3, 2) / 16)},
				[]float32{1, 2.0 / 16, 0, float32(math.Hypot(4, 7) / 16)},
				[]float32{1, float32(math.Hypot(4, 6) / 16), 0, float32(math.Hypot(7, 9) / 16)},
			)},
		},
		{
			name:   "an entity appears",
			frames: colourFrames([]segment.Box{none, a}, [][3]float32{red, red}),
			tracks: [][]segment.Mask{mk(none, a)},
			slots:  1,
			want:   [][]float32{zero, slot(a, red, [3]float32{}, 0, 0, 0, 0)},
		},
		{
			name:   "a 0 x 0 mask reads as empty",
			frames: colourFrames([]segment.Box{none}, [][3]float32{red}),
			tracks: [][]segment.Mask{{segment.NewMask(0, 0)}},
			slots:  1,
			want:   [][]float32{zero},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EntityFeatures(tc.frames, tc.tracks, tc.slots)
			if err != nil {
				t.Fatal(err)
			}
			want := cat(tc.want...)
			if len(want) != len(tc.want)*EntityFeaturesDim(tc.slots) {
				t.Fatalf("bad test: %d wanted values", len(want))
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
				t.Errorf("EntityFeatures (-want +got):\n%s", diff)
			}
		})
	}
}

func cat(parts ...[]float32) []float32 {
	var out []float32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestEntityFeaturesErrors(t *testing.T) {
	frames := colourFrames([]segment.Box{{}, {}}, make([][3]float32, 2))
	tests := []struct {
		name   string
		frames *tensor.Dense
		tracks [][]segment.Mask
		slots  int
	}{
		{"frames of rank 3", dense(make([]float32, 16*16*3), 16, 16, 3), nil, 1},
		{"negative slots", frames, nil, -1},
		{"track of another length", frames, [][]segment.Mask{{segment.NewMask(16, 16)}}, 1},
		{"mask of another size", frames, [][]segment.Mask{{segment.NewMask(16, 16), segment.NewMask(8, 16)}}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := EntityFeatures(tc.frames, tc.tracks, tc.slots); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestEncodeTracks checks that the encoder appends the entity features of
// the tracks it is given after the pooled states, zeros without tracks,
// and that EncodeTracks projects exactly what PooledTracks returns.
func TestEncodeTracks(t *testing.T) {
	ctx := context.Background()
	o := DefaultOptions()
	o.Steps, o.Start, o.Segments, o.Entities = 2, 0.3, 1, 2
	enc, err := NewEncoder(rand.New(rand.NewPCG(1, 2)), tinyDenoiser(t, 1), 3, o)
	if err != nil {
		t.Fatal(err)
	}
	a, b := segment.Box{X0: 2, Y0: 4, X1: 8, Y1: 12}, segment.Box{X0: 10, Y0: 4, X1: 14, Y1: 8}
	frames := colourFrames([]segment.Box{a, b}, [][3]float32{{1, 0, 0}, {0, 1, 0}})
	tracks := [][]segment.Mask{
		{segment.MaskFromBox(16, 16, a), segment.MaskFromBox(16, 16, a)},
		{segment.MaskFromBox(16, 16, b), segment.MaskFromBox(16, 16, b)},
	}
	union := []segment.Mask{segment.NewMask(16, 16), segment.NewMask(16, 16)}
	pooled, err := enc.PooledTracks(ctx, frames, union, tracks, "red")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := enc.Pooled(ctx, frames, union, "red")
	if err != nil {
		t.Fatal(err)
	}
	P, E := enc.PooledDim(), EntityFeaturesDim(2)
	if s := pooled.Shape(); s[0] != 2 || s[1] != P {
		t.Fatalf("pooled of shape %v, want (2, %d)", s, P)
	}
	ent, err := EntityFeatures(frames, tracks, 2)
	if err != nil {
		t.Fatal(err)
	}
	for tt := range 2 {
		row, base := pooled.Float32s()[tt*P:(tt+1)*P], plain.Float32s()[tt*P:(tt+1)*P]
		if diff := cmp.Diff(base[:P-E], row[:P-E]); diff != "" {
			t.Errorf("frame %d: pooled states differ with tracks (-without +with):\n%s", tt, diff)
		}
		if diff := cmp.Diff(ent[tt*E:(tt+1)*E], row[P-E:]); diff != "" {
			t.Errorf("frame %d: entity block (-want +got):\n%s", tt, diff)
		}
		if diff := cmp.Diff(make([]float32, E), base[P-E:]); diff != "" {
			t.Errorf("frame %d: entity block without tracks (-want +got):\n%s", tt, diff)
		}
	}
	z, err := enc.EncodeTracks(ctx, frames, union, tracks, "red")
	if err != nil {
		t.Fatal(err)
	}
	e := nn.NewEager()
	want := e.Dense(enc.Project(e, e.Const(pooled)))
	if diff := cmp.Diff(want.Float32s(), z.Float32s(), cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("EncodeTracks != g_phi(PooledTracks) (-want +got):\n%s", diff)
	}
}
