// Command pretrain-denoiser pretrains the default mask-conditioned video
// denoiser of package diffusion on clips of the synthetic benchmark: the
// noise-prediction loss with temporal noise injection, random union masks
// and instructions, AdamW with a cosine learning rate after a warm-up,
// checkpoints every -every steps (the latest in OUT/last, the best held-out
// loss in OUT/best), resumable with -resume. It prints one progress line
// every -log steps and appends every step to OUT/loss.csv.
//
//	go run ./examples/pretrain-denoiser -out /tmp/pretrain -steps 4000
//	go run ./examples/pretrain-denoiser -out /tmp/pretrain -steps 4000 -resume
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	var o options
	flag.StringVar(&o.out, "out", "/tmp/pretrain", "output directory (checkpoints, loss.csv)")
	flag.IntVar(&o.steps, "steps", 4000, "total optimiser steps of the cosine schedule")
	flag.IntVar(&o.batch, "batch", 2, "clips per step")
	flag.IntVar(&o.frames, "frames", 16, "frames per training clip")
	flag.IntVar(&o.segments, "segments", 2, "temporal noise segments per clip (K)")
	flag.Float64Var(&o.lr, "lr", 5e-4, "peak learning rate")
	flag.Float64Var(&o.warmup, "warmup", 0.05, "warm-up fraction of the steps")
	flag.Float64Var(&o.tauMin, "tau-min", 0.02, "smallest training diffusion time")
	flag.Float64Var(&o.tauMax, "tau-max", 0.98, "largest training diffusion time (the encoder reads tau in [tau_0, start], 0.1 to 0.5 by default)")
	flag.IntVar(&o.every, "every", 100, "checkpoint every N steps")
	flag.IntVar(&o.logEvery, "log", 10, "print progress every N steps")
	flag.BoolVar(&o.resume, "resume", false, "resume from OUT/last")
	flag.Uint64Var(&o.seed, "seed", 1, "seed of the initialisation, the clips and the noise")
	flag.IntVar(&o.auxSteps, "aux-steps", 0, "train the auxiliary frame encoder for N steps instead (saved to OUT/aux)")
	flag.Float64Var(&o.auxLR, "aux-lr", 1e-2, "peak learning rate of the auxiliary encoder")
	flag.StringVar(&o.probe, "probe", "", "instead of training, print the held-out evidence (denoising error, linear probes) of the checkpoint in this directory")
	flag.IntVar(&o.probeVideos, "probe-videos", 16, "held-out videos for -probe")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case o.probe != "":
		err = evidence(ctx, o, os.Stdout)
	case o.auxSteps > 0:
		err = trainAux(ctx, o, os.Stdout)
	default:
		err = train(ctx, o, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pretrain-denoiser:", err)
		os.Exit(1)
	}
}
