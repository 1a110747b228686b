// Command benchcompare times this project's float32 GEMM beside gonum's and,
// from a JSON file written by scripts/bench_compare.py in the same run,
// PyTorch's, on the same shapes and the same machine, and prints a table of
// GFLOP/s with the ratios ours/PyTorch and ours/peak. scripts/bench-compare.sh
// (make bench-compare) runs both sides; see docs/performance.md.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
)

func main() {
	torchFile := flag.String("torch", "", "JSON results of scripts/bench_compare.py (empty: no PyTorch column)")
	reps := flag.Int("reps", 10, "timed repetitions per case; the best is reported")
	flag.Parse()
	if err := run(os.Stdout, *torchFile, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(1)
	}
}

// torchResults is what scripts/bench_compare.py writes: best seconds per case.
type torchResults struct {
	Version string             `json:"version"`
	BLAS    string             `json:"blas"`
	Library string             `json:"library"`
	Threads int                `json:"threads"`
	Seconds map[string]float64 `json:"seconds"`
}

func run(w io.Writer, torchFile string, reps int) error {
	var torch torchResults
	if torchFile != "" {
		raw, err := os.ReadFile(torchFile)
		if err != nil {
			return fmt.Errorf("reading PyTorch results: %w", err)
		}
		if err := json.Unmarshal(raw, &torch); err != nil {
			return fmt.Errorf("parsing PyTorch results %s: %w", torchFile, err)
		}
	}
	pk := measurePeak()
	fmt.Fprintf(w, "CPU: %s, %d cores used (GOMAXPROCS), nominal clock %.0f MHz\n", pk.model, runtime.GOMAXPROCS(0), pk.mhz)
	fmt.Fprintf(w, "peak (nominal) = %.0f MHz x %d cores x 2 FMA units x 8 float32 lanes x 2 flops = %.1f GFLOP/s\n",
		pk.mhz, runtime.GOMAXPROCS(0), pk.nominal)
	if pk.measured > 0 {
		fmt.Fprintf(w, "peak (measured FMA loop, all cores, best of runs) = %.1f GFLOP/s (the clock boosts above nominal)\n", pk.measured)
	}
	fmt.Fprintf(w, "our kernel: %s\n", kernelName())
	if torchFile != "" {
		fmt.Fprintf(w, "PyTorch %s, %d threads, BLAS: %s\n  config: %s\n", torch.Version, torch.Threads, torch.Library, torch.BLAS)
	}
	rows, err := measureAll(reps)
	if err != nil {
		return err
	}
	printTable(w, rows, torch.Seconds, pk)
	return nil
}
