package cuda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFlat(t *testing.T) {
	for _, c := range []struct {
		n    int
		want geom
	}{
		{0, geom{grid: [3]int{1, 1, 1}, block: [3]int{256, 1, 1}}},
		{1, geom{grid: [3]int{1, 1, 1}, block: [3]int{256, 1, 1}}},
		{257, geom{grid: [3]int{2, 1, 1}, block: [3]int{256, 1, 1}}},
		{1 << 30, geom{grid: [3]int{flatMaxBlocks, 1, 1}, block: [3]int{256, 1, 1}}},
	} {
		if diff := cmp.Diff(c.want, flat(c.n), cmp.AllowUnexported(geom{})); diff != "" {
			t.Errorf("flat(%d) (-want +got):\n%s", c.n, diff)
		}
	}
}

func TestRowThreads(t *testing.T) {
	for _, c := range []struct{ d, want int }{{1, 32}, {128, 32}, {129, 64}, {512, 128}, {1000, 256}, {1 << 20, 256}} {
		if got := rowThreads(c.d); got != c.want {
			t.Errorf("rowThreads(%d) = %d, want %d", c.d, got, c.want)
		}
	}
	if _, err := perRow(maxGridX+1, 4, 0); err == nil {
		t.Errorf("perRow beyond the grid limit gave no error")
	}
}

func TestGemmGeom(t *testing.T) {
	for _, c := range []struct {
		batch, m, n int
		want        [3]int
	}{
		{1, 4096, 4096, [3]int{64, 64, 1}},
		{96, 1024, 4096, [3]int{64, 16, 96}},
		{1, 1, 65, [3]int{2, 1, 1}},
		{100000, 2, 2, [3]int{1, 1, maxGridYZ}},
	} {
		g, err := gemmGeom(c.batch, c.m, c.n)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.want, g.grid); diff != "" {
			t.Errorf("gemmGeom(%d,%d,%d) grid (-want +got):\n%s", c.batch, c.m, c.n, diff)
		}
	}
	if _, err := gemmGeom(1, gemmTile*maxGridYZ+1, 1); err == nil {
		t.Errorf("gemmGeom beyond the grid limit gave no error")
	}
}

func TestAttnGeom(t *testing.T) {
	g, ok := attnGeom(8, 96, 1024, 64)
	if !ok {
		t.Fatal("(8,96,1024,64) does not fit")
	}
	want := geom{grid: [3]int{96, 8, 1}, block: [3]int{attnThreads, 1, 1}, shared: 4 * (1024 + 64)}
	if diff := cmp.Diff(want, g, cmp.AllowUnexported(geom{})); diff != "" {
		t.Errorf("attnGeom (-want +got):\n%s", diff)
	}
	if _, ok := attnGeom(1, 1, 16384, 64); ok {
		t.Errorf("16384 keys fit in %d bytes of shared memory", maxShared)
	}
}
