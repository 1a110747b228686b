//go:build linux

package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"unsafe"
)

// threadCPUSeconds reads CLOCK_THREAD_CPUTIME_ID: the CPU time of the
// calling OS thread, which other processes on a shared machine do not add to.
func threadCPUSeconds() float64 {
	var ts syscall.Timespec
	const clockThreadCPUTimeID = 3
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return float64(ts.Nano()) / 1e9
}

// BenchmarkSerialThreadCPU times one goroutine's product (no parallel
// split) in per-thread CPU time, best of the runs, and reports GFLOP per
// CPU-second: a per-core figure that stays meaningful on a shared machine.
// scripts/bench_percore.py measures PyTorch the same way.
func BenchmarkSerialThreadCPU(b *testing.B) {
	for _, s := range []struct {
		transB  bool
		m, n, k int
	}{
		{true, 128, 256, 256},
		{true, 128, 1024, 256},
		{true, 128, 256, 1024},
		{true, 512, 512, 512},
		{true, 96, 1024, 4096},
		{false, 512, 512, 512},
	} {
		b.Run(fmt.Sprintf("tB=%v/%dx%dx%d", s.transB, s.m, s.n, s.k), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			rng := rand.New(rand.NewPCG(1, 2))
			ldb := s.n
			x := randomMatrix(rng, s.m, s.k, s.k)
			y := randomMatrix(rng, s.k, s.n, s.n)
			if s.transB {
				ldb = s.k
				y = randomMatrix(rng, s.n, s.k, s.k)
			}
			z := make([]float32, s.m*s.n)
			best := 0.0
			for b.Loop() {
				t0 := threadCPUSeconds()
				serial(false, s.transB, s.m, s.n, s.k, 1, x, s.k, y, ldb, 0, z, s.n)
				if d := threadCPUSeconds() - t0; best == 0 || (d > 0 && d < best) {
					best = d
				}
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)/best/1e9, "GFLOP/cpu-s")
		})
	}
}
