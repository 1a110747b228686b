package nn

import (
	"math"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGraphSiLUParallel(t *testing.T) {
	// SiLU and its input gradient above gParallelMin (odd length, so a
	// scalar tail exists) match float64 references and are bit-identical
	// whatever GOMAXPROCS splits the work into.
	const n = gParallelMin + 13
	xd, rd := make([]float32, n), make([]float32, n)
	for i := range xd {
		xd[i] = float32(12 * math.Sin(float64(i)*0.37))
		rd[i] = float32(math.Cos(float64(i) * 0.11))
	}
	run := func(procs int) (out, gx []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		x := dense(xd, 1, n)
		g := NewGraph()
		y := g.SiLU(g.Param(x))
		if err := g.Backward(weightedLoss(g, y, dense(rd, 1, n))); err != nil {
			t.Fatal(err)
		}
		_, out = runValue(t, g, y)
		gxd, err := g.Grad(x)
		if err != nil {
			t.Fatal(err)
		}
		return out, gxd.Float32s()
	}
	out1, gx1 := run(1)
	for i := range xd {
		x := float64(xd[i])
		s := 1 / (1 + math.Exp(-x))
		if want := x * s; math.Abs(float64(out1[i])-want) > 1e-6*(1+math.Abs(want)) {
			t.Fatalf("silu(%v) = %v, want %v", x, out1[i], want)
		}
		if want := float64(rd[i]) * s * (1 + x*(1-s)); math.Abs(float64(gx1[i])-want) > 1e-5*(1+math.Abs(want)) {
			t.Fatalf("dsilu(%v) = %v, want %v", x, gx1[i], want)
		}
	}
	for _, procs := range []int{2, 3} {
		out, gx := run(procs)
		if diff := cmp.Diff(out1, out); diff != "" {
			t.Errorf("GOMAXPROCS %d: output differs from GOMAXPROCS 1 (-want +got):\n%s", procs, diff)
		}
		if diff := cmp.Diff(gx1, gx); diff != "" {
			t.Errorf("GOMAXPROCS %d: gradient differs from GOMAXPROCS 1 (-want +got):\n%s", procs, diff)
		}
	}
}
