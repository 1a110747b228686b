// Command benchcompare times this project's float32 GEMM beside gonum's and
// PyTorch's on the same shapes and the same machine, and one transformer
// block in our eager and graph executors and in PyTorch, and prints a table
// of GFLOP/s with the ratios ours/PyTorch and ours/peak, ending with the line
// "ratio gemm_512 ours/torch: X". scripts/bench-compare.sh (make
// bench-compare) installs what it needs and runs it; docs/performance.md
// shows a run.
//
// The machine may be shared, so it measures in rounds: each round runs the
// PyTorch side (scripts/bench_compare.py, a subprocess writing JSON), then
// ours; every case keeps its best time over all rounds and repetitions.
//
// Flags:
//
//	-python PATH   Python interpreter for the PyTorch side ("" skips it)
//	-script PATH   the PyTorch side's script
//	-rounds N      rounds of (PyTorch, ours)
//	-reps N        timed repetitions per case and round
//	-gemm-only     skip the transformer block cases
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
)

func main() {
	var o options
	flag.StringVar(&o.python, "python", "/usr/bin/python3", "Python interpreter for the PyTorch side (empty: no PyTorch column)")
	flag.StringVar(&o.script, "script", "scripts/bench_compare.py", "the PyTorch side's script")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds of (PyTorch, ours); each case keeps its best time")
	flag.IntVar(&o.reps, "reps", 10, "timed repetitions per case and round")
	flag.BoolVar(&o.gemmOnly, "gemm-only", false, "skip the transformer block cases")
	flag.Parse()
	if err := run(os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchcompare:", err)
		os.Exit(1)
	}
}

type options struct {
	python, script string
	rounds, reps   int
	gemmOnly       bool
}

// torchResults is what scripts/bench_compare.py writes: best seconds per case.
type torchResults struct {
	Version string             `json:"version"`
	BLAS    string             `json:"blas"`
	Library string             `json:"library"`
	Threads int                `json:"threads"`
	Seconds map[string]float64 `json:"seconds"`
}

// runTorch runs the PyTorch side once and returns its results.
func runTorch(o options, dir string, round int) (torchResults, error) {
	var r torchResults
	out := filepath.Join(dir, "torch"+strconv.Itoa(round)+".json")
	args := []string{o.script, out}
	if o.gemmOnly {
		args = append(args, "--gemm-only")
	}
	cmd := exec.Command(o.python, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.Env = append(os.Environ(), "BENCH_REPS="+strconv.Itoa(o.reps))
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("PyTorch side %s %s: %w", o.python, o.script, err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return r, fmt.Errorf("reading PyTorch results: %w", err)
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("parsing PyTorch results %s: %w", out, err)
	}
	return r, nil
}

func run(w io.Writer, o options) error {
	dir, err := os.MkdirTemp("", "benchcompare")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var torch torchResults
	torchBest := map[string]float64{}
	oursBest := map[[2]string]row{}
	var order [][2]string
	var pk peak
	for round := range max(o.rounds, 1) {
		// The peak too is measured every round, keeping the best.
		p := measurePeak()
		p.measured = max(p.measured, pk.measured)
		pk = p
		if o.python != "" {
			t, err := runTorch(o, dir, round)
			if err != nil {
				return err
			}
			torch = t
			for k, s := range t.Seconds {
				if b, ok := torchBest[k]; !ok || s < b {
					torchBest[k] = s
				}
			}
		}
		rows, err := measureAll(o.reps, o.gemmOnly)
		if err != nil {
			return err
		}
		for _, r := range rows {
			id := [2]string{r.key, r.impl}
			b, ok := oursBest[id]
			if !ok {
				order = append(order, id)
			}
			if !ok || r.seconds < b.seconds {
				oursBest[id] = r
			}
		}
	}
	fmt.Fprintf(w, "CPU: %s, %d cores used (GOMAXPROCS), nominal clock %.0f MHz\n", pk.model, runtime.GOMAXPROCS(0), pk.mhz)
	fmt.Fprintf(w, "peak (nominal) = %.0f MHz x %d cores x 2 FMA units x 8 float32 lanes x 2 flops = %.1f GFLOP/s\n",
		pk.mhz, runtime.GOMAXPROCS(0), pk.nominal)
	if pk.measured > 0 {
		fmt.Fprintf(w, "peak (measured: FMA-only loop on every core, best of runs) = %.1f GFLOP/s\n", pk.measured)
	}
	fmt.Fprintf(w, "our kernel: %s; %d rounds x %d repetitions, best time kept\n", kernelName(), max(o.rounds, 1), o.reps)
	if o.python != "" {
		fmt.Fprintf(w, "PyTorch %s, %d threads, %s, BLAS libraries loaded: %s\n", torch.Version, torch.Threads, torch.BLAS, torch.Library)
	}
	rows := make([]row, 0, len(order))
	for _, id := range order {
		rows = append(rows, oursBest[id])
	}
	printTable(w, rows, torchBest, pk)
	return nil
}
