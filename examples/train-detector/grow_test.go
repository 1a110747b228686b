package main

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/segment/learneddet"
)

// TestResized copies every tensor but the positions, and resamples the
// positions so that each value is a convex combination of its channel's
// old values (bilinear); at the same size the copy is exact.
func TestResized(t *testing.T) {
	cfg := learneddet.DefaultConfig()
	cfg.Size, cfg.Patch = 16, 8
	m, err := learneddet.NewModel(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	values := func(m *learneddet.Model) map[string][]float32 {
		out := map[string][]float32{}
		if err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
			if *p != nil {
				out[name] = append([]float32(nil), (*p).Float32s()...)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	src := values(m)
	for _, tc := range []struct{ size, tokens int }{{16, 4}, {32, 16}, {48, 36}} {
		r, err := resized(m, tc.size)
		if err != nil {
			t.Fatalf("size %d: %v", tc.size, err)
		}
		if r.Config().Size != tc.size {
			t.Errorf("size %d: config size %d", tc.size, r.Config().Size)
		}
		got := values(r)
		pos := got["pos"]
		delete(got, "pos")
		want := values(m)
		delete(want, "pos")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("size %d: tensors other than pos (-want +got):\n%s", tc.size, diff)
		}
		d := cfg.Dim
		if len(pos) != tc.tokens*d {
			t.Fatalf("size %d: pos holds %d values, want %d", tc.size, len(pos), tc.tokens*d)
		}
		if tc.size == cfg.Size {
			if diff := cmp.Diff(src["pos"], pos); diff != "" {
				t.Errorf("same size: pos (-want +got):\n%s", diff)
			}
		}
		for c := range d {
			lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
			for n := range 4 {
				lo, hi = min(lo, src["pos"][n*d+c]), max(hi, src["pos"][n*d+c])
			}
			for n := range tc.tokens {
				if v := pos[n*d+c]; v < lo-1e-6 || v > hi+1e-6 {
					t.Fatalf("size %d: pos token %d channel %d = %v outside [%v, %v]", tc.size, n, c, v, lo, hi)
				}
			}
		}
	}
	if _, err := resized(m, 20); err == nil {
		t.Error("size 20 (not a multiple of the patch 8): no error")
	}
}
