//go:build videodit_cuda

package cuda

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/diffusiontest"
	"github.com/videodit/videodit/internal/nn"
)

// BenchmarkDiffusionFeatures times the diffusion features of a 96-frame
// clip at the default size (64x64, K = 12 segments, default options) on
// the CUDA executor, and once, in the same run, on the eager executor
// limited to 2 threads (the 2-core CPU path of issue 9's target); it
// reports ms per clip on the device and the speed-up over that CPU path.
func BenchmarkDiffusionFeatures(b *testing.B) {
	d := openOrSkip(b)
	m, err := diffusion.NewDenoiser(rand.New(rand.NewPCG(1, 1)), diffusion.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	o := diffusion.DefaultOptions()
	o.Segments = 12
	enc, err := diffusion.NewEncoder(rand.New(rand.NewPCG(2, 2)), m, 256, o)
	if err != nil {
		b.Fatal(err)
	}
	frames, masks := diffusiontest.Clip(1, 96, 64, 64)
	clip, err := m.Config.Prepare(frames, masks)
	if err != nil {
		b.Fatal(err)
	}
	const instr = "highlight the red circle"
	ctx := context.Background()

	prev := runtime.GOMAXPROCS(2)
	cpuStart := time.Now()
	eager := nn.NewEager()
	if _, err := enc.Features(ctx, eager, clip, instr); err != nil {
		b.Fatal(err)
	}
	cpu := time.Since(cpuStart)
	runtime.GOMAXPROCS(prev)

	e, err := NewExec(d)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Release()
	run := func() {
		v, err := enc.Features(ctx, e, clip, instr)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Read(v); err != nil {
			b.Fatal(err)
		}
		if err := e.Reset(); err != nil {
			b.Fatal(err)
		}
	}
	run() // uploads the parameters, JIT
	b.ResetTimer()
	for range b.N {
		run()
	}
	b.StopTimer()
	gpu := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(gpu.Microseconds())/1e3, "ms/clip")
	b.ReportMetric(float64(cpu.Microseconds())/1e3, "cpu2-ms/clip")
	b.ReportMetric(cpu.Seconds()/gpu.Seconds(), "speedup")
}
