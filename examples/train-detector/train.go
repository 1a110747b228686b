package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/segment/learneddet"
)

// trainOptions are the training run's settings.
type trainOptions struct {
	out             string // run directory: checkpoint, optimiser state, progress
	seed            uint64
	steps, warmup   int
	lr, clip, wd    float64
	every, logEvery int
	maxVideos       int
	frames, phrases int
	perVideo        int
	minDur, maxDur  float64
	resume          bool
	stop            int     // stop after this step (0: -steps), keeping the schedule of -steps
	size, patch     int     // network input side and patch side (0: DefaultConfig's)
	init            string  // checkpoint whose weights start the run (empty: random)
	shapeNeg        float64 // share of same-colour-other-shape negatives (0: the original mix)
}

// trainState is the run's progress, saved beside the checkpoint.
type trainState struct {
	Step  int    `json:"step"`
	Seed  uint64 `json:"seed"`
	Steps int    `json:"steps"`
}

const (
	stateFile = "train_state.json"
	optimFile = "optim.safetensors"
)

// train runs (or resumes) training and writes checkpoints to o.out every
// o.every steps and at the end. Progress lines go to log.
func train(ctx context.Context, o trainOptions, log io.Writer) error {
	cfg := learneddet.DefaultConfig()
	if o.size > 0 {
		cfg.Size = o.size
	}
	if o.patch > 0 {
		cfg.Patch = o.patch
	}
	m, err := learneddet.NewModel(cfg, rand.New(rand.NewPCG(o.seed, 0x5eed)))
	if err != nil {
		return err
	}
	if o.init != "" {
		if m, err = learneddet.LoadModel(ctx, o.init); err != nil {
			return fmt.Errorf("-init: %w", err)
		}
		if o.patch > 0 && o.patch != m.Config().Patch {
			return fmt.Errorf("-init %s has patch %d, not -patch %d", o.init, m.Config().Patch, o.patch)
		}
		if o.size > 0 && o.size != m.Config().Size {
			if m, err = resized(m, o.size); err != nil {
				return fmt.Errorf("-init %s: %w", o.init, err)
			}
		}
	}
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: o.wd})
	start := 0
	if o.resume {
		var st trainState
		b, err := os.ReadFile(filepath.Join(o.out, stateFile))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(log, "no %s in %s: starting from step 0\n", stateFile, o.out)
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(b, &st); err != nil {
				return fmt.Errorf("%s: %w", stateFile, err)
			}
			if st.Seed != o.seed {
				return fmt.Errorf("resuming a run of seed %d with -seed %d", st.Seed, o.seed)
			}
			if m, err = learneddet.LoadModel(ctx, o.out); err != nil {
				return err
			}
			if err := opt.Load(filepath.Join(o.out, optimFile)); err != nil {
				return err
			}
			start = st.Step
			fmt.Fprintf(log, "resumed %s at step %d\n", o.out, start)
		}
	}
	// Parameters in checkpoint order, so that clipping sums the same way
	// in every run.
	type namedParam struct {
		name string
		t    *tensor.Dense
	}
	var named []namedParam
	if err := checkpoint.Walk(m, func(name string, t **tensor.Dense) error {
		if *t != nil { // absent optional tensors (linear maps without bias)
			named = append(named, namedParam{name, *t})
		}
		return nil
	}); err != nil {
		return err
	}
	s := &sampler{cfg: m.Config(), gen: genConfig("train", o.minDur, o.maxDur), seed: o.seed,
		frames: o.frames, phrases: o.phrases, perVideo: o.perVideo, maxVideos: o.maxVideos, shapeNeg: o.shapeNeg}
	t0 := time.Now()
	var sum [4]float64
	n := 0
	end := o.steps
	if o.stop > 0 {
		end = min(o.stop, o.steps)
	}
	for step := start; step < end; step++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.batch(step)
		if err != nil {
			return fmt.Errorf("step %d: batch: %w", step, err)
		}
		g := nn.NewGraph()
		l, err := m.Loss(g, b)
		if err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if err := g.Backward(l.Total); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if err := g.Run(ctx); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		for i, v := range []nn.V{l.Total, l.Mask, l.Dice, l.Presence} {
			sum[i] += float64(g.Value(v).Float32s()[0])
		}
		n++
		var ps []optim.Param
		for _, p := range named {
			grad, err := g.Grad(p.t)
			if err != nil {
				return fmt.Errorf("step %d: %s: %w", step, p.name, err)
			}
			ps = append(ps, optim.Param{Name: p.name, Value: p.t.Float32s(), Grad: grad.Float32s()})
		}
		norm := optim.ClipGlobalNorm(ps, o.clip)
		lr := optim.Cosine(step, o.steps, o.warmup, o.lr, o.lr/20)
		if err := opt.Step(lr, ps); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		done := step + 1
		if done%o.logEvery == 0 || done == end {
			el := time.Since(t0).Seconds()
			fmt.Fprintf(log, "step %d/%d loss %.4f (mask %.4f dice %.4f presence %.4f) grad-norm %.3f lr %.2e %.2f s/step\n",
				done, o.steps, sum[0]/float64(n), sum[1]/float64(n), sum[2]/float64(n), sum[3]/float64(n), norm, lr, el/float64(done-start))
			sum, n = [4]float64{}, 0
		}
		if done%o.every == 0 || done == end {
			if err := save(ctx, o, m, opt, done); err != nil {
				return err
			}
			fmt.Fprintf(log, "checkpoint at step %d in %s\n", done, o.out)
		}
	}
	return nil
}

// save writes the checkpoint, the optimiser state and then the progress
// file, so a progress file always names a complete checkpoint.
func save(ctx context.Context, o trainOptions, m *learneddet.Model, opt *optim.AdamW, step int) error {
	if err := m.Save(ctx, o.out); err != nil {
		return err
	}
	if err := opt.Save(filepath.Join(o.out, optimFile)); err != nil {
		return err
	}
	b, err := json.MarshalIndent(trainState{Step: step, Seed: o.seed, Steps: o.steps}, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(o.out, stateFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(o.out, stateFile))
}
