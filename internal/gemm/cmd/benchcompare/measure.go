package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/videodit/videodit/internal/gemm"
)

// row is one case timed in one implementation.
type row struct {
	key     string  // case key shared with scripts/bench_compare.py
	impl    string  // "ours", "ours-eager", "ours-graph", "gonum"
	flops   float64 // floating-point operations of one run
	seconds float64 // best of the timed runs
}

// gemmShapes are the GEMM cases, m x n x k, keyed as in the script.
var gemmShapes = []struct {
	key     string
	m, n, k int
}{
	{"gemm_512", 512, 512, 512},
	{"gemm_96x1024x4096", 96, 1024, 4096},
	{"gemm_1024", 1024, 1024, 1024},
}

// best runs f once to warm up, then reps times, and returns the fastest time.
func best(reps int, f func() error) (float64, error) {
	if err := f(); err != nil {
		return 0, err
	}
	times := make([]float64, 0, reps)
	for range reps {
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		times = append(times, time.Since(start).Seconds())
	}
	return slices.Min(times), nil
}

func measureAll(reps int, gemmOnly bool) ([]row, error) {
	var rows []row
	for _, s := range gemmShapes {
		rng := rand.New(rand.NewPCG(1, 2))
		a := randoms(rng, s.m*s.k)
		b := randoms(rng, s.k*s.n)
		c := make([]float32, s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		ours, _ := best(reps, func() error {
			gemm.Sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, b, s.n, 0, c, s.n)
			return nil
		})
		gn, _ := best(reps, func() error {
			gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, s.m, s.n, s.k, 1, a, s.k, b, s.n, 0, c, s.n)
			return nil
		})
		rows = append(rows, row{s.key, "ours", flops, ours}, row{s.key, "gonum", flops, gn})
	}
	if gemmOnly {
		return rows, nil
	}
	block, err := blockRows(reps)
	if err != nil {
		return nil, err
	}
	return append(rows, block...), nil
}

func randoms(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 2*rng.Float32() - 1
	}
	return s
}

// printTable writes one line per case and implementation, PyTorch's time
// (when known) after ours, and ends with the gemm_512 ratio line.
func printTable(w io.Writer, rows []row, torch map[string]float64, pk peak) {
	peakRef := pk.nominal
	fmt.Fprintf(w, "\n%-22s %-11s %10s %9s %11s %14s\n", "case", "impl", "ms", "GFLOP/s", "ours/torch", "%peak(nom)")
	var keys []string
	flops := map[string]float64{}
	for _, r := range rows {
		if !slices.Contains(keys, r.key) {
			keys = append(keys, r.key)
		}
		flops[r.key] = r.flops
	}
	ratio512 := "n/a"
	for _, k := range keys {
		ts, haveTorch := torch[k]
		for _, r := range rows {
			if r.key != k {
				continue
			}
			g := r.flops / r.seconds / 1e9
			vsTorch, vsPeak := "", ""
			if haveTorch && r.impl != "gonum" {
				vsTorch = fmt.Sprintf("%.2f", ts/r.seconds)
				if k == "gemm_512" {
					ratio512 = vsTorch
				}
			}
			if r.impl != "gonum" && peakRef > 0 {
				vsPeak = fmt.Sprintf("%.0f%%", 100*g/peakRef)
			}
			fmt.Fprintf(w, "%-22s %-11s %10.3f %9.1f %11s %14s\n", k, r.impl, 1e3*r.seconds, g, vsTorch, vsPeak)
		}
		if haveTorch {
			fmt.Fprintf(w, "%-22s %-11s %10.3f %9.1f %11s %14s\n", k, "torch", 1e3*ts, flops[k]/ts/1e9, "", fmt.Sprintf("%.0f%%", 100*flops[k]/ts/1e9/peakRef))
		}
	}
	fmt.Fprintf(w, "\nratio gemm_512 ours/torch: %s\n", ratio512)
}
