package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/videodit/videodit/internal/gemm"
)

// peak is the machine's float32 peak, from the nominal clock and measured.
type peak struct {
	model             string
	mhz               float64
	nominal, measured float64 // GFLOP/s on GOMAXPROCS cores
}

// measurePeak reads the clock from /proc/cpuinfo (2 FMA units x 8 float32
// lanes x 2 flops per cycle per core: AVX2 Zen 2/3, Haswell and later) and
// times an FMA-only loop on every core.
func measurePeak() peak {
	var p peak
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "model name":
				p.model = strings.TrimSpace(v)
			case "cpu MHz":
				if p.mhz == 0 {
					p.mhz, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
				}
			}
		}
		f.Close()
	}
	cores := runtime.GOMAXPROCS(0)
	p.nominal = p.mhz * 1e6 * float64(cores) * 2 * 8 * 2 / 1e9
	if !haveFMALoop || !strings.Contains(gemm.Kernel(), "AVX2") {
		return p
	}
	const iters = 20_000_000
	for range 5 {
		start := time.Now()
		var wg sync.WaitGroup
		for range cores {
			wg.Go(func() { fmaLoop(iters) })
		}
		wg.Wait()
		g := float64(cores) * iters * fmaFlopsPerIteration / time.Since(start).Seconds() / 1e9
		p.measured = max(p.measured, g)
	}
	return p
}

func kernelName() string { return gemm.Kernel() }
