// Command train-detector trains the learned open-vocabulary detector of
// package segment/learneddet from scratch on the synthetic benchmark
// (frames rendered in memory by internal/synth, exact masks), and
// evaluates a checkpoint on a held-out split.
//
// Training is resumable and reproducible for a seed. The shipped weights
// came from a run planned for 2400 steps, stopped at step 1750 and resumed
// with a longer schedule (about 55 minutes on a shared 2-core machine),
// then fine-tuned from that checkpoint for 1800 steps with half of the hard
// negatives naming a visible entity's colour with another shape (about 13
// minutes), and the threshold recalibrated (see below):
//
//	go run ./examples/train-detector -out /tmp/det -seed 1 -steps 2400 -stop 1750
//	go run ./examples/train-detector -out /tmp/det -seed 1 -steps 3400 -resume
//	go run ./examples/train-detector -out /tmp/det-ft -init /tmp/det -seed 1 \
//		-steps 1800 -warmup 50 -lr 1e-3 -shape-negatives 0.5 -every 100
//
// -init starts from a checkpoint's weights with a fresh optimiser and
// schedule; with a -size other than the checkpoint's, the learned token
// positions are resampled to the new grid (fine-tuning at a larger input).
// A checkpoint (config.json, model.safetensors, optim.safetensors,
// train_state.json) is written to -out every -every steps; -resume
// continues from the last one with the same batches the run would have
// drawn (batch k depends only on -seed and k). Copy config.json and
// model.safetensors to segment/learneddet/weights/ to ship them.
//
// Evaluation prints the quality numbers as JSON on standard output:
//
//	go run ./examples/train-detector -eval -weights segment/learneddet/weights
//
// The shipped threshold is the best_threshold of -eval -eval-seed 1
// (another held-out seed), written into config.json.
//
// Progress goes to standard error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/videodit/videodit/internal/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "train-detector:", err)
		os.Exit(1)
	}
}

// run parses args and trains or evaluates; results go to out, progress to log.
func run(ctx context.Context, args []string, out, log io.Writer) error {
	fs := flag.NewFlagSet("train-detector", flag.ContinueOnError)
	fs.SetOutput(log)
	var o trainOptions
	fs.StringVar(&o.out, "out", "", "training run directory (required to train)")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the initial weights and of the training videos")
	fs.IntVar(&o.steps, "steps", 1500, "training steps")
	fs.IntVar(&o.warmup, "warmup", 0, "warm-up steps (0: 5% of -steps)")
	fs.Float64Var(&o.lr, "lr", 2e-3, "peak learning rate (cosine schedule down to lr/20)")
	fs.Float64Var(&o.clip, "clip", 1, "global gradient norm clip")
	fs.Float64Var(&o.wd, "wd", 0.01, "AdamW weight decay")
	fs.IntVar(&o.every, "every", 50, "checkpoint every N steps")
	fs.IntVar(&o.logEvery, "log-every", 10, "progress line every N steps")
	fs.IntVar(&o.frames, "frames", 8, "frames per batch")
	fs.IntVar(&o.phrases, "phrases", 4, "phrases per frame (half positive, half hard negative)")
	fs.IntVar(&o.perVideo, "per-video", 2, "frames drawn from each generated video")
	fs.IntVar(&o.maxVideos, "videos", 100000, "training videos are indices [0, N) of the seed's split")
	fs.Float64Var(&o.minDur, "min-duration", 4, "shortest generated video in seconds")
	fs.Float64Var(&o.maxDur, "max-duration", 12, "longest generated video in seconds")
	fs.IntVar(&o.size, "size", 0, "network input side in pixels (0: learneddet.DefaultConfig's)")
	fs.IntVar(&o.patch, "patch", 0, "patch side in pixels (0: learneddet.DefaultConfig's)")
	fs.StringVar(&o.init, "init", "", "start from this checkpoint's weights (fine-tuning; fresh optimiser and schedule) instead of random ones")
	fs.Float64Var(&o.shapeNeg, "shape-negatives", 0, "share of hard negatives that keep a visible entity's colour and change its shape (0: the original mix)")
	fs.BoolVar(&o.resume, "resume", false, "continue the run in -out from its last checkpoint (-steps may differ: the schedule follows the new -steps)")
	fs.IntVar(&o.stop, "stop", 0, "stop after this step, keeping the schedule of -steps (0: run to -steps)")
	eval := fs.Bool("eval", false, "evaluate -weights on the held-out split instead of training")
	var e evalOptions
	fs.StringVar(&e.weights, "weights", "", "checkpoint directory to evaluate (empty: the shipped weights)")
	fs.StringVar(&e.score, "score", "", "override the checkpoint's proposal score: presence, mask or both")
	fs.Uint64Var(&e.seed, "eval-seed", 20261125, "seed of the held-out split (never used for training)")
	fs.IntVar(&e.videos, "eval-videos", 12, "held-out videos")
	fs.IntVar(&e.stride, "eval-stride", 6, "evaluate every N-th frame of each video")
	fs.IntVar(&e.trackVideos, "track-videos", 4, "held-out videos for the full pipeline (detect + track)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *eval {
		return evaluate(ctx, e, out, log)
	}
	if o.out == "" {
		return fmt.Errorf("-out is required to train")
	}
	if o.steps < 1 || o.frames < 1 || o.phrases < 2 || o.perVideo < 1 || o.every < 1 || o.logEvery < 1 || o.maxVideos < 1 || o.shapeNeg < 0 || o.shapeNeg > 1 {
		return fmt.Errorf("-steps, -frames, -per-video, -every, -log-every and -videos must be positive, -phrases at least 2 and -shape-negatives in [0,1]")
	}
	if o.warmup == 0 {
		o.warmup = max(1, o.steps/20)
	}
	return train(ctx, o, log)
}

// genConfig is the generator's configuration for a split: 128x128 frames,
// videos of minDur to maxDur seconds.
func genConfig(split string, minDur, maxDur float64) synth.Config {
	return synth.Config{Split: split, MinDuration: minDur, MaxDuration: maxDur}
}
