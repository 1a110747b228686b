// Command train-grounder is the training recipe of the SDK's default
// grounding model (paper section IV-A at the scale of a 2-core CPU): the
// frozen stages (segment with the learned detector, the pretrained
// denoiser, the text encoder, the auxiliary encoder, the language model)
// run once per (video, query) and their outputs are cached on disk; then
// g_phi, the time MLP, the fusion projection, LoRA adapters and the heads
// train with the span cross-entropy, the choice cross-entropy of grounded
// QA and the weighted KL term, by AdamW with a cosine learning rate and 5%
// warm-up. Checkpoints are written every -every steps and at the end;
// -resume continues from the latest.
//
// Reproduce the default model from scratch:
//
//	go run ./examples/synth -split train -seed 11 -n 150 -out /tmp/g/train
//	go run ./examples/train-grounder -train /tmp/g/train -cache /tmp/g/cache -out /tmp/g/run
//	go run ./examples/train-grounder -export grounding/defaultmodel/weights -from /tmp/g/run/latest
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/videodit/videodit/internal/grounder"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/lora"
)

type options struct {
	train, test, cache, out string
	frames, workers, limit  int
	testLimit               int
	qa, buildOnly, resume   bool
	steps, batch, every     int
	lr, kl                  float64
	seed                    uint64
	features                string
	objects, timeTokens     int
	export, from            string
	skip                    bool
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("train-grounder: ")
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(grounder.MemoryLimit)
	}
	var o options
	flag.StringVar(&o.train, "train", "", "training split written by examples/synth")
	flag.StringVar(&o.test, "test", "", "held-out split evaluated at the end (optional)")
	flag.StringVar(&o.cache, "cache", "", "feature cache directory (required)")
	flag.StringVar(&o.out, "out", "", "run directory: checkpoints (required to train)")
	flag.IntVar(&o.frames, "frames", 96, "frames T sampled per video")
	flag.IntVar(&o.workers, "workers", 2, "videos whose features are computed at once")
	flag.BoolVar(&o.qa, "qa", true, "train on the split's questions too")
	flag.BoolVar(&o.buildOnly, "build-only", false, "fill the feature cache and stop")
	flag.IntVar(&o.limit, "limit", 0, "use only the first N training items (0: all)")
	flag.IntVar(&o.testLimit, "test-limit", 0, "use only the first N test items (0: all)")
	flag.IntVar(&o.steps, "steps", 400, "optimiser steps")
	flag.IntVar(&o.batch, "batch", 16, "samples per step")
	flag.IntVar(&o.every, "every", 50, "checkpoint every N steps")
	flag.Float64Var(&o.lr, "lr", 1e-3, "peak learning rate (cosine, 5% warm-up)")
	flag.Float64Var(&o.kl, "kl", 0.1, "weight of the KL regulariser")
	flag.Uint64Var(&o.seed, "seed", 1, "initialisation and sample order")
	flag.StringVar(&o.features, "features", grounder.DiffusionFeatures, "visual features: diffusion, or pixels (the w/o DTL ablation)")
	flag.IntVar(&o.objects, "objects", 4, "object tokens N_obj (0: the w/o object tokens ablation)")
	flag.IntVar(&o.timeTokens, "time-tokens", 8, "time tokens N_time (0: the w/o time tokens ablation)")
	flag.BoolVar(&o.skip, "skip", true, "heads read the language model's output plus its input (false: the output alone, as in the paper)")
	flag.BoolVar(&o.resume, "resume", false, "continue the run in -out from its latest checkpoint")
	flag.StringVar(&o.export, "export", "", "copy the checkpoint -from into this directory and stop")
	flag.StringVar(&o.from, "from", "", "checkpoint directory to export (RUN/latest)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	if o.export != "" {
		return export(o.from, o.export)
	}
	if o.cache == "" || o.train == "" {
		return fmt.Errorf("-train and -cache are required")
	}
	if !o.buildOnly && o.out == "" {
		return fmt.Errorf("-out is required to train")
	}
	if o.frames < 1 {
		return fmt.Errorf("-frames %d: want >= 1", o.frames)
	}
	if o.features != grounder.DiffusionFeatures && o.features != grounder.PixelFeatures {
		return fmt.Errorf("-features %q: want %q or %q", o.features, grounder.DiffusionFeatures, grounder.PixelFeatures)
	}
	if o.objects < 0 || o.timeTokens < 0 {
		return fmt.Errorf("-objects %d, -time-tokens %d: want >= 0", o.objects, o.timeTokens)
	}
	frozen, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		return err
	}
	train, err := samples(ctx, frozen, o, o.train, o.limit)
	if err != nil {
		return err
	}
	var test []*grounder.Sample
	if o.test != "" {
		if test, err = samples(ctx, frozen, o, o.test, o.testLimit); err != nil {
			return err
		}
	}
	if o.buildOnly {
		return nil
	}
	if o.out == "" {
		return fmt.Errorf("-out is required to train")
	}
	m, set, adam, start, err := initOrResume(ctx, o, base, train)
	if err != nil {
		return err
	}
	log.Printf("training %d samples, %d steps of %d from step %d; config %+v", len(train), o.steps, o.batch, start, m.Config)
	err = grounder.Train(ctx, m, base, set, train, adam, start, grounder.TrainOptions{
		Steps: o.steps, Batch: o.batch, LR: o.lr, KLWeight: o.kl, Seed: o.seed, Out: o.out, Every: o.every, Log: log.Printf,
	})
	if err != nil {
		return err
	}
	for _, split := range []struct {
		name string
		s    []*grounder.Sample
	}{{"train", train}, {"test", test}} {
		if len(split.s) == 0 {
			continue
		}
		g, q, err := grounder.Evaluate(m, base, split.s)
		if err != nil {
			return err
		}
		report := map[string]any{"split": split.name, "ground": g, "qa": q, "config": m.Config, "steps": o.steps, "seed": o.seed}
		b, _ := json.Marshal(report)
		fmt.Println(string(b))
		if err := os.WriteFile(filepath.Join(o.out, "metrics-"+split.name+".json"), append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// samples returns the samples of a split, computing missing features.
func samples(ctx context.Context, frozen *grounder.Frozen, o options, dir string, limit int) ([]*grounder.Sample, error) {
	items, err := grounder.SplitItems(dir, o.qa)
	if err != nil {
		return nil, err
	}
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	start := time.Now()
	s, err := grounder.Build(ctx, frozen, grounder.Cache{Dir: o.cache}, items, o.frames, o.workers, func(done, total int) {
		if el := time.Since(start); done%10 == 0 || done == total {
			log.Printf("%s features: %d/%d videos, %s elapsed, %s left", dir, done, total, el.Round(time.Second), (el * time.Duration(total-done) / time.Duration(done)).Round(time.Second))
		}
	})
	if err != nil {
		return nil, err
	}
	log.Printf("%s: %d samples ready in %s", dir, len(s), time.Since(start).Round(time.Second))
	return s, nil
}

// initOrResume returns a fresh model with adapters on base's language
// model, g_phi's input standardised on the training samples, or the latest
// checkpoint of -out with -resume.
func initOrResume(ctx context.Context, o options, base grounder.Base, train []*grounder.Sample) (*grounder.Model, *lora.Set, *optim.AdamW, int, error) {
	c := grounder.ConfigFor(train[0], base, o.features, o.objects, o.timeTokens)
	c.Skip = o.skip
	adam := grounder.NewAdamW()
	if o.resume {
		st, err := grounder.ReadState(o.out)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		m, set, err := grounder.Load(ctx, os.DirFS(filepath.Join(o.out, grounder.LatestDir)), base)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		if c != m.Config {
			set.Detach()
			return nil, nil, nil, 0, fmt.Errorf("-resume: the run in %s has config %+v, the flags and samples give %+v", o.out, m.Config, c)
		}
		if err := adam.Load(filepath.Join(o.out, grounder.LatestDir, grounder.OptimFile)); err != nil {
			return nil, nil, nil, 0, err
		}
		return m, set, adam, st.Step, nil
	}
	m, set, err := grounder.InitOn(ctx, base, c, train, o.seed)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, nil, nil, 0, err
	}
	return m, set, adam, 0, nil
}

// export copies a checkpoint directory (config.json, model.safetensors,
// adapter/) to dst.
func export(from, dst string) error {
	if from == "" {
		return fmt.Errorf("-export needs -from")
	}
	for _, f := range []string{"config.json", "model.safetensors", "adapter/adapter_config.json", "adapter/adapter_model.safetensors"} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if err != nil {
			return err
		}
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
