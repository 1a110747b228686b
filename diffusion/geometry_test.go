package diffusion

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/segment"
)

// boxClip returns a Clip of h x w whose masks (Tp, h, w, 1) hold the
// given boxes (an empty box: an empty mask), Tp = len(boxes), T frames.
func boxClip(h, w, T int, boxes ...segment.Box) *Clip {
	m := make([]float32, len(boxes)*h*w)
	for t, b := range boxes {
		for y := max(b.Y0, 0); y < min(b.Y1, h); y++ {
			for x := max(b.X0, 0); x < min(b.X1, w); x++ {
				m[(t*h+y)*w+x] = 1
			}
		}
	}
	return &Clip{Masks: dense(m, len(boxes), h, w, 1), T: T}
}

func TestGeometry(t *testing.T) {
	none := segment.Box{}
	rect := segment.Box{X0: 2, Y0: 4, X1: 8, Y1: 12} // 6 x 8 pixels of 16 x 16
	// rect's features: area 48/256, centroid (5/16, 8/16), box 6/16 x 8/16.
	rectG := []float32{1, 0.1875, 0.3125, 0.5, 0.375, 0.5, 0, 0}
	moved := segment.Box{X0: 5, Y0: 2, X1: 11, Y1: 10} // rect moved by (+3, -2)
	movedG := []float32{1, 0.1875, 0.5, 0.375, 0.375, 0.5, 10 * 3.0 / 16, 10 * -2.0 / 16}
	pixel := segment.Box{X0: 15, Y0: 0, X1: 16, Y1: 1}
	tests := []struct {
		name  string
		T     int
		boxes []segment.Box
		want  [][]float32 // per frame
	}{
		{"empty", 2, []segment.Box{none, none}, [][]float32{make([]float32, 8), make([]float32, 8)}},
		{"rectangle", 1, []segment.Box{rect}, [][]float32{rectG}},
		{"motion", 2, []segment.Box{rect, moved}, [][]float32{rectG, movedG}},
		{"motion back", 3, []segment.Box{rect, moved, rect}, [][]float32{rectG, movedG,
			{1, 0.1875, 0.3125, 0.5, 0.375, 0.5, -10 * 3.0 / 16, 10 * 2.0 / 16}}},
		{"no motion after an empty frame", 3, []segment.Box{rect, none, moved},
			[][]float32{rectG, make([]float32, 8), append(movedG[:6:6], 0, 0)}},
		{"entry", 2, []segment.Box{none, rect}, [][]float32{make([]float32, 8), rectG}},
		{"one pixel", 1, []segment.Box{pixel}, [][]float32{{1, 1.0 / 256, 15.5 / 16, 0.5 / 16, 1.0 / 16, 1.0 / 16, 0, 0}}},
		{"whole frame", 1, []segment.Box{{X1: 16, Y1: 16}}, [][]float32{{1, 1, 0.5, 0.5, 1, 1, 0, 0}}},
		// Padding frames (Tp > T) are not described.
		{"padded", 1, []segment.Box{rect, rect}, [][]float32{rectG}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Geometry(boxClip(16, 16, tc.T, tc.boxes...))
			var want []float32
			for _, w := range tc.want {
				want = append(want, w...)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
				t.Errorf("Geometry (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGeometryNonSquare(t *testing.T) {
	// Fractions are of the width and height respectively.
	got := Geometry(boxClip(8, 32, 1, segment.Box{X0: 0, Y0: 0, X1: 16, Y1: 2}))
	want := []float32{1, 32.0 / 256, 8.0 / 32, 1.0 / 8, 0.5, 0.25, 0, 0}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("Geometry (-want +got):\n%s", diff)
	}
}

func TestGeometryOfPrepare(t *testing.T) {
	// Masks at twice the denoiser's resolution are halved by Prepare: the
	// geometry is that of the halved boxes. nil masks: all zeros.
	c := tinyConfig() // 16 x 16
	frames, _ := testFrames(1, 3, 32, 32)
	masks := []segment.Mask{
		segment.MaskFromBox(32, 32, segment.Box{X0: 4, Y0: 8, X1: 16, Y1: 24}),
		segment.MaskFromBox(32, 32, segment.Box{X0: 10, Y0: 4, X1: 22, Y1: 20}),
		segment.NewMask(32, 32),
	}
	clip, err := c.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	want := Geometry(boxClip(16, 16, 3,
		segment.Box{X0: 2, Y0: 4, X1: 8, Y1: 12}, segment.Box{X0: 5, Y0: 2, X1: 11, Y1: 10}, segment.Box{}, segment.Box{}))
	if diff := cmp.Diff(want, Geometry(clip)); diff != "" {
		t.Errorf("Geometry of the prepared clip (-halved boxes +got):\n%s", diff)
	}
	clip, err = c.Prepare(frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(make([]float32, 3*GeometryDim), Geometry(clip)); diff != "" {
		t.Errorf("Geometry without masks (-zeros +got):\n%s", diff)
	}
}

// geometryOptions is a one-step trajectory, fast under -race.
func geometryOptions(geometry bool) Options {
	o := DefaultOptions()
	o.Steps, o.Segments, o.Geometry = 1, 1, geometry
	return o
}

func TestEncoderGeometry(t *testing.T) {
	ctx := context.Background()
	d := tinyDenoiser(t, 1)
	plain, err := NewEncoder(rand.New(rand.NewPCG(1, 2)), d, 8, geometryOptions(false))
	if err != nil {
		t.Fatal(err)
	}
	geo, err := NewEncoder(rand.New(rand.NewPCG(1, 2)), d, 8, geometryOptions(true))
	if err != nil {
		t.Fatal(err)
	}
	if geo.PooledDim() != plain.PooledDim()+GeometryDim {
		t.Fatalf("PooledDim with geometry %d, without %d: want %d more", geo.PooledDim(), plain.PooledDim(), GeometryDim)
	}
	if diff := cmp.Diff([]int{8, geo.PooledDim()}, []int(geo.Proj.W.Shape())); diff != "" {
		t.Errorf("g_phi shape (-want +got):\n%s", diff)
	}
	const T = 3
	frames, masks := testFrames(2, T, 16, 16)
	masks[1] = segment.MaskFromBox(16, 16, segment.Box{X0: 4, Y0: 4, X1: 12, Y1: 8})
	masks[2] = segment.NewMask(16, 16)
	pg, err := geo.Pooled(ctx, frames, masks, "red circle")
	if err != nil {
		t.Fatal(err)
	}
	pp, err := plain.Pooled(ctx, frames, masks, "red circle")
	if err != nil {
		t.Fatal(err)
	}
	clip, err := d.Config.Prepare(frames, masks)
	if err != nil {
		t.Fatal(err)
	}
	P := plain.PooledDim()
	if diff := cmp.Diff([]int{T, P + GeometryDim}, []int(pg.Shape())); diff != "" {
		t.Fatalf("Pooled shape (-want +got):\n%s", diff)
	}
	var head, tail []float32
	g := pg.Float32s()
	for f := range T {
		head = append(head, g[f*(P+GeometryDim):f*(P+GeometryDim)+P]...)
		tail = append(tail, g[f*(P+GeometryDim)+P:(f+1)*(P+GeometryDim)]...)
	}
	if diff := cmp.Diff(pp.Float32s(), head); diff != "" {
		t.Errorf("pooled columns before the geometry (-without geometry +with):\n%s", diff)
	}
	if diff := cmp.Diff(Geometry(clip), tail); diff != "" {
		t.Errorf("last %d pooled columns (-Geometry +got):\n%s", GeometryDim, diff)
	}

	// Encode is g_phi of Pooled, and Features (one executor, the training
	// path) computes the same.
	z, err := geo.Encode(ctx, frames, masks, "red circle")
	if err != nil {
		t.Fatal(err)
	}
	e := nn.NewEager()
	want := e.Dense(geo.Project(e, e.Const(pg))).Float32s()
	if diff := cmp.Diff(want, z.Float32s(), cmpopts.EquateApprox(0, 1e-5)); diff != "" {
		t.Errorf("Encode (-g_phi(Pooled) +got):\n%s", diff)
	}
	e2 := nn.NewEager()
	fz, err := geo.Features(ctx, e2, clip, "red circle")
	if err != nil {
		t.Fatal(err)
	}
	if err := e2.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(z.Float32s(), e2.Dense(fz).Float32s(), cmpopts.EquateApprox(0, 1e-5)); diff != "" {
		t.Errorf("Features (-Encode +Features):\n%s", diff)
	}
	if diff := cmp.Diff([]int{T, 8}, []int(z.Shape())); diff != "" {
		t.Errorf("Encode shape (-want +got):\n%s", diff)
	}
}
