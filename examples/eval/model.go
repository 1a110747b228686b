package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/grounding/defaultmodel"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/grounder"
)

// modelOptions are the flags of -model and -ablate.
type modelOptions struct {
	model, data, train, cache string
	frames, workers, limit    int
	trainLimit                int
	seeds                     string
	steps, batch              int
	lr, kl                    float64
	objects, timeTokens       int
	variants                  string
	// Table VI's diffusion knobs.
	dsteps   int
	schedule string
	guidance float64
}

// encoderOptions returns the diffusion options of the flags.
func (o modelOptions) encoderOptions() (diffusion.Options, error) {
	e := grounder.DefaultEncoderOptions()
	e.Steps, e.Schedule, e.Guidance = o.dsteps, diffusion.Schedule(o.schedule), o.guidance
	if err := e.Schedule.Validate(); err != nil {
		return e, fmt.Errorf("-schedule %q: %w", o.schedule, err)
	}
	return e, nil
}

// splitSamples returns the samples of a split (features cached in
// o.cache when set).
func splitSamples(ctx context.Context, f *grounder.Frozen, o modelOptions, dir string, limit int, log io.Writer) ([]*grounder.Sample, error) {
	items, err := grounder.SplitItems(dir, true)
	if err != nil {
		return nil, err
	}
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	return itemSamples(ctx, f, o, dir, items, log)
}

// itemSamples returns the samples of items (of the split in dir, named in
// progress lines), features cached in o.cache when set.
func itemSamples(ctx context.Context, f *grounder.Frozen, o modelOptions, dir string, items []grounder.Item, log io.Writer) ([]*grounder.Sample, error) {
	cache := grounder.Cache{Dir: o.cache}
	if o.cache == "" {
		tmp, err := os.MkdirTemp("", "eval-cache")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		cache.Dir = tmp
	}
	return grounder.Build(ctx, f, cache, items, o.frames, o.workers, func(done, total int) {
		if done%10 == 0 || done == total {
			fmt.Fprintf(log, "eval: %s: features of %d/%d videos\n", dir, done, total)
		}
	})
}

// loadModel returns the frozen stages, the language model and the trained
// parts of -model (default, or a checkpoint directory).
func loadModel(ctx context.Context, o modelOptions) (*grounder.Frozen, grounder.Base, *grounder.Model, error) {
	eo, err := o.encoderOptions()
	if err != nil {
		return nil, grounder.Base{}, nil, err
	}
	frozen, base, err := grounder.LoadDefaults(ctx, eo)
	if err != nil {
		return nil, grounder.Base{}, nil, err
	}
	fsys := defaultmodel.Weights()
	if o.model != "default" {
		fsys = os.DirFS(o.model)
	}
	m, _, err := grounder.Load(ctx, fsys, base)
	if err != nil {
		return nil, grounder.Base{}, nil, fmt.Errorf("-model %s: %w", o.model, err)
	}
	if m.Config.Frames != o.frames {
		return nil, grounder.Base{}, nil, fmt.Errorf("-frames %d: the model %s was trained on %d frames", o.frames, o.model, m.Config.Frames)
	}
	return frozen, base, m, nil
}

// runModel scores the default model (-model default) or a checkpoint
// directory of examples/train-grounder on the split, next to the random
// and (with -train) prior baselines, and writes one JSON object.
func runModel(ctx context.Context, o modelOptions, out, log io.Writer) error {
	frozen, base, m, err := loadModel(ctx, o)
	if err != nil {
		return err
	}
	samples, err := splitSamples(ctx, frozen, o, o.data, o.limit, log)
	if err != nil {
		return err
	}
	g, q, err := grounder.Evaluate(m, base, samples)
	if err != nil {
		return err
	}
	res := map[string]any{"model": o.model, "data": o.data, "ground": g, "qa": q}
	baselines := map[string]heads.Report{}
	names := []string{"random"}
	if o.train != "" {
		names = append(names, "prior")
	}
	for _, name := range names {
		qs, err := runBaseline(name, o.data, o.train, 1, log)
		if err != nil {
			return err
		}
		if o.limit > 0 {
			qs = qs[:min(len(qs), countGround(samples))]
		}
		if baselines[name], err = heads.Evaluate(qs); err != nil {
			return err
		}
	}
	res["baselines"] = baselines
	return json.NewEncoder(out).Encode(res)
}

func countGround(s []*grounder.Sample) int {
	n := 0
	for _, x := range s {
		if x.Answer < 0 {
			n++
		}
	}
	return n
}

// variant is one row of Table IV.
type variant struct {
	name     string
	features string
	objects  bool
	time     bool
}

var variants = map[string]variant{
	"full":       {"full", grounder.DiffusionFeatures, true, true},
	"no-dtl":     {"no-dtl", grounder.PixelFeatures, true, true},
	"no-objects": {"no-objects", grounder.DiffusionFeatures, false, true},
	"no-time":    {"no-time", grounder.DiffusionFeatures, true, false},
}

// runAblate trains each variant of -variants with every seed of -seeds on
// -train and scores it on -data (paper Table IV; -objects and -time-tokens
// are Table V's budgets, -dsteps, -schedule and -guidance Table VI's
// knobs). It writes one JSON line per run, then one per variant with the
// mean and standard deviation over the seeds.
func runAblate(ctx context.Context, o modelOptions, out, log io.Writer) error {
	if o.frames < 1 {
		return fmt.Errorf("-frames %d: want >= 1", o.frames)
	}
	eo, err := o.encoderOptions()
	if err != nil {
		return err
	}
	var vs []variant
	for _, name := range strings.Split(o.variants, ",") {
		v, ok := variants[strings.TrimSpace(name)]
		if !ok {
			return fmt.Errorf("-variants: unknown variant %q (full, no-dtl, no-objects, no-time)", name)
		}
		vs = append(vs, v)
	}
	var seeds []uint64
	for _, s := range strings.Split(o.seeds, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fmt.Errorf("-seeds %q: %w", o.seeds, err)
		}
		seeds = append(seeds, v)
	}
	frozen, base, err := grounder.LoadDefaults(ctx, eo)
	if err != nil {
		return err
	}
	train, err := splitSamples(ctx, frozen, o, o.train, o.trainLimit, log)
	if err != nil {
		return err
	}
	test, err := splitSamples(ctx, frozen, o, o.data, o.limit, log)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	for _, v := range vs {
		objects, timeTokens := o.objects, o.timeTokens
		if !v.objects {
			objects = 0
		}
		if !v.time {
			timeTokens = 0
		}
		c := grounder.ConfigFor(train[0], base, v.features, objects, timeTokens)
		var grounds, qas []heads.Report
		for _, seed := range seeds {
			m, set, err := grounder.Fit(ctx, base, c, train, seed, grounder.TrainOptions{
				Steps: o.steps, Batch: o.batch, LR: o.lr, KLWeight: o.kl,
				Log: func(format string, args ...any) {
					fmt.Fprintf(log, "eval: %s seed %d: "+format+"\n", append([]any{v.name, seed}, args...)...)
				},
			})
			if err != nil {
				return err
			}
			g, q, err := grounder.Evaluate(m, base, test)
			set.Detach()
			if err != nil {
				return err
			}
			grounds, qas = append(grounds, g), append(qas, q)
			if err := enc.Encode(map[string]any{"variant": v.name, "seed": seed, "ground": g, "qa": q}); err != nil {
				return err
			}
		}
		gs, err := heads.AcrossSeeds(grounds)
		if err != nil {
			return err
		}
		qs, err := heads.AcrossSeeds(qas)
		if err != nil {
			return err
		}
		if err := enc.Encode(map[string]any{"variant": v.name, "seeds": seeds, "objects": objects, "time_tokens": timeTokens, "features": v.features, "ground": gs, "qa": qs}); err != nil {
			return err
		}
	}
	return nil
}
