// Command eval scores temporal grounding and grounded QA with the official
// metrics (package heads), either from a file of predictions or for one of
// the floor baselines on a benchmark split written by examples/synth.
//
//	go run ./examples/eval -metrics FILE.jsonl
//	go run ./examples/eval -baseline random|prior|gate-oracle -data DIR [-train DIR2] [-seed S]
//	go run ./examples/eval -model default|CHECKPOINT -data DIR [-train DIR2] [-cache DIR]
//	go run ./examples/eval -ablate -train DIR2 -data DIR [-seeds 1,2,3] [-variants ...] [-cache DIR]
//
// -model scores a grounding model on every query and question of a split
// (the frozen stages' features computed once and kept in -cache): one JSON
// object with the grounding report ("ground"), the grounded-QA report
// ("qa", with Acc@QA and Acc@GQA) and the random and, with -train, prior
// baselines on the same queries. -ablate reruns the paper's Table IV: it
// trains each variant (full; no-dtl: pooled pixels instead of the diffusion
// features; no-objects: N_obj = 0; no-time: N_time = 0) with each seed on
// -train and scores it on -data, one JSON line per run and one per variant
// with the mean and std over the seeds. -objects and -time-tokens are
// Table V's budgets, -dsteps, -schedule and -guidance Table VI's diffusion
// knobs (new knobs mean new features: the cache keys include them).
//
// Each line of FILE.jsonl is {"id": "...", "gt": [[s,e], ...], "pred":
// [[s,e], ...], "answer": "...", "prediction": "..."} (see
// dataset.ReadPredictions; the answer fields are optional). The output is
// one JSON object with the keys n, R1@0.3, R1@0.5, R1@0.7, mIoU, mIoP,
// IoP@0.3, IoP@0.5, IoU@0.3, IoU@0.5, Acc@QA, Acc@GQA: percentages,
// unrounded. Acc@QA and Acc@GQA are null when the lines carry no answers,
// and always for the baselines, which predict spans only.
//
// The baselines score every grounding query of the split's meta/*.json:
//
//   - random: a span between two uniform random times in [0, duration],
//     seeded by -seed;
//   - prior: the training split's (-train) mean normalised span length,
//     centred on its mean normalised centre, clipped to the video;
//   - gate-oracle: an entity is present in a frame when its ground-truth
//     mask there is non-empty; the AND over the query's entities is the
//     gate g_t (Eq. 3) and the span is its longest run of ones (paper Step 5),
//     an upper bound for the training-free path. A query whose gate is never
//     open gets no prediction (it scores 0).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/dataset"
	"github.com/videodit/videodit/internal/grounder"
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" { // -ablate trains
		debug.SetMemoryLimit(grounder.MemoryLimit)
	}
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	metrics := fs.String("metrics", "", "score the predictions in this JSONL file")
	baseline := fs.String("baseline", "", "score a baseline: random, prior or gate-oracle")
	data := fs.String("data", "", "split directory written by examples/synth (with -baseline)")
	train := fs.String("train", "", "training split directory (with -baseline prior)")
	seed := fs.Uint64("seed", 1, "random seed (with -baseline random)")
	var mo modelOptions
	fs.StringVar(&mo.model, "model", "", "score a model: default, or a checkpoint directory of examples/train-grounder")
	track := fs.Bool("track", false, "with -model: score Track's event decision (each query on its own video and on the next one) instead")
	ablate := fs.Bool("ablate", false, "train and score the variants of -variants (paper Table IV) on -train, scored on -data")
	fs.StringVar(&mo.variants, "variants", "full,no-dtl,no-objects,no-time", "with -ablate: the variants")
	fs.StringVar(&mo.seeds, "seeds", "1,2,3", "with -ablate: training seeds")
	fs.StringVar(&mo.cache, "cache", "", "feature cache directory (default: a temporary one)")
	fs.IntVar(&mo.frames, "frames", 96, "frames T sampled per video")
	fs.IntVar(&mo.workers, "workers", 2, "videos whose features are computed at once")
	fs.IntVar(&mo.limit, "limit", 0, "score only the first N items of -data (0: all)")
	fs.IntVar(&mo.trainLimit, "train-limit", 0, "with -ablate: train on the first N items of -train (0: all)")
	fs.IntVar(&mo.steps, "steps", 600, "with -ablate: optimiser steps per run")
	fs.IntVar(&mo.batch, "batch", 8, "with -ablate: samples per step")
	fs.Float64Var(&mo.lr, "lr", 1e-3, "with -ablate: peak learning rate")
	fs.Float64Var(&mo.kl, "kl", 0.1, "with -ablate: KL weight")
	fs.IntVar(&mo.objects, "objects", 4, "object tokens N_obj (Table V)")
	fs.IntVar(&mo.timeTokens, "time-tokens", 8, "time tokens N_time (Table V)")
	fs.IntVar(&mo.dsteps, "dsteps", 4, "diffusion steps S (Table VI)")
	fs.StringVar(&mo.schedule, "schedule", "cosine", "diffusion schedule, cosine or linear (Table VI)")
	fs.Float64Var(&mo.guidance, "guidance", 1, "guidance scale GS (Table VI)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	mo.data, mo.train = *data, *train
	switch {
	case *ablate && (*data == "" || *train == ""):
		return errors.New("-ablate needs -train DIR and -data DIR")
	case *ablate:
		return runAblate(context.Background(), mo, stdout, stderr)
	case mo.model != "" && *data == "":
		return errors.New("-model needs -data DIR")
	case mo.model != "" && *track:
		return runTrack(context.Background(), mo, stdout, stderr)
	case mo.model != "":
		return runModel(context.Background(), mo, stdout, stderr)
	case *track:
		return errors.New("-track needs -model")
	}
	var qs []heads.Query
	switch {
	case *metrics != "" && *baseline != "":
		return errors.New("give -metrics or -baseline, not both")
	case *metrics != "":
		var err error
		if qs, err = dataset.ReadPredictionsFile(*metrics); err != nil {
			return err
		}
	case *baseline != "":
		if *data == "" {
			return errors.New("-baseline needs -data DIR")
		}
		var err error
		if qs, err = runBaseline(*baseline, *data, *train, *seed, stderr); err != nil {
			return err
		}
	default:
		fs.Usage()
		return errors.New("give -metrics FILE or -baseline NAME -data DIR")
	}
	r, err := heads.Evaluate(qs)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(r)
}
