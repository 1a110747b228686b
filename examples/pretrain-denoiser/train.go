package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/internal/synth"
)

type options struct {
	out                       string
	steps, batch, frames      int
	segments, every, logEvery int
	lr, warmup                float64
	resume                    bool
	seed                      uint64
	auxSteps                  int
	probe                     string
	probeVideos               int
	auxLR                     float64
	tauMin, tauMax            float64
}

// state is what OUT/last/state.json holds beside the weights.
type state struct {
	Step     int     `json:"step"`
	BestEval float64 `json:"best_eval"`
}

func (o options) source(split string, seed uint64) *clipSource {
	return &clipSource{
		cfg:    diffusion.DefaultConfig(),
		synth:  synth.Config{Split: split, MinDuration: 3, MaxDuration: 8},
		seed:   seed,
		frames: o.frames,
	}
}

// named lists every tensor of the model by checkpoint name.
func named(m any) (map[string]*tensor.Dense, error) {
	out := map[string]*tensor.Dense{}
	err := checkpoint.Walk(m, func(name string, t **tensor.Dense) error {
		if *t != nil {
			out[name] = *t
		}
		return nil
	})
	return out, err
}

func train(ctx context.Context, o options, w io.Writer) error {
	cfg := diffusion.DefaultConfig()
	last, best := filepath.Join(o.out, "last"), filepath.Join(o.out, "best")
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, WeightDecay: 0.01})
	st := state{BestEval: math.Inf(1)}
	var model *diffusion.Denoiser
	var err error
	if o.resume {
		if err := checkpoint.ReadConfig(last, &cfg); err != nil {
			return err
		}
		if model, err = diffusion.Skeleton(cfg); err != nil {
			return err
		}
		if err := checkpoint.Load(ctx, last, nil, model); err != nil {
			return err
		}
		if err := opt.Load(filepath.Join(last, "optim.safetensors")); err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(last, "state.json"))
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &st); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(last, "state.json"), err)
		}
		fmt.Fprintf(w, "resumed at step %d (best held-out loss %.4f)\n", st.Step, st.BestEval)
	} else {
		if model, err = diffusion.NewDenoiser(rand.New(rand.NewPCG(o.seed, 1)), cfg); err != nil {
			return err
		}
	}
	params, err := named(model)
	if err != nil {
		return err
	}
	byTensor := map[*tensor.Dense]string{}
	for n, t := range params {
		byTensor[t] = n
	}
	src := o.source("pretrain", o.seed)
	held := o.source("heldout", o.seed+1000)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	logf, err := os.OpenFile(filepath.Join(o.out, "loss.csv"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	warm := int(math.Ceil(o.warmup * float64(o.steps)))
	ema := math.NaN()
	t0 := time.Now()
	for st.Step < o.steps {
		if err := ctx.Err(); err != nil {
			return save(ctx, last, cfg, model, opt, st)
		}
		step := st.Step
		r := rand.New(rand.NewPCG(o.seed, uint64(1000+step)))
		g := nn.NewGraph()
		var total nn.V
		for b := range o.batch {
			s, err := src.clip(r, step*o.batch+b)
			if err != nil {
				return err
			}
			sched := diffusion.Cosine
			if r.IntN(2) == 0 {
				sched = diffusion.Linear
			}
			loss, err := model.TrainingLoss(g, diffusion.TrainingExample{
				Clip: s.clip, Instruction: s.instruction, Schedule: sched,
				Tau: o.tauMin + (o.tauMax-o.tauMin)*r.Float64(), Jitter: 0.1, Segments: o.segments,
				Seed: r.Uint64(), Unconditional: r.Float64() < 0.1,
			})
			if err != nil {
				return err
			}
			if total == nil {
				total = loss
			} else {
				total = g.Add(total, loss)
			}
		}
		total = g.Scale(total, 1/float32(o.batch))
		if err := g.Backward(total); err != nil {
			return err
		}
		if err := g.Run(ctx); err != nil {
			if ctx.Err() != nil {
				return save(ctx, last, cfg, model, opt, st)
			}
			return err
		}
		var ps []optim.Param
		for _, p := range g.Params() {
			grad, err := g.Grad(p)
			if err != nil {
				return err
			}
			ps = append(ps, optim.Param{Name: byTensor[p], Value: p.Float32s(), Grad: grad.Float32s()})
		}
		norm := optim.ClipGlobalNorm(ps, 1.0)
		lr := optim.Cosine(step, o.steps, warm, o.lr, o.lr*0.05)
		if err := opt.Step(lr, ps); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		loss := float64(g.Value(total).Float32s()[0])
		if math.IsNaN(ema) {
			ema = loss
		}
		ema = 0.98*ema + 0.02*loss
		st.Step++
		fmt.Fprintf(logf, "%d,%.5f,%.5f,%.6g,%.3f\n", st.Step, loss, ema, lr, norm)
		if st.Step%o.logEvery == 0 {
			el := time.Since(t0).Seconds()
			fmt.Fprintf(w, "step %d/%d loss %.4f ema %.4f lr %.2e grad %.2f %.2fs/step\n", st.Step, o.steps, loss, ema, lr, norm, el/float64(o.logEvery))
			t0 = time.Now()
		}
		if st.Step%o.every == 0 || st.Step == o.steps {
			ev, err := evaluate(ctx, model, held)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "step %d held-out loss tau=0.1 %.4f tau=0.5 %.4f\n", st.Step, ev[0], ev[1])
			fmt.Fprintf(logf, "# eval %d %.5f %.5f\n", st.Step, ev[0], ev[1])
			if ev[0]+ev[1] < st.BestEval {
				st.BestEval = ev[0] + ev[1]
				if err := save(ctx, best, cfg, model, opt, st); err != nil {
					return err
				}
			}
			if err := save(ctx, last, cfg, model, opt, st); err != nil {
				return err
			}
		}
	}
	return nil
}

// evaluate returns the mean held-out noise-prediction loss at tau 0.1 and
// 0.5 (cosine schedule) over 4 fixed clips, computed eagerly.
func evaluate(ctx context.Context, m *diffusion.Denoiser, held *clipSource) ([2]float64, error) {
	var out [2]float64
	for i := range 4 {
		s, err := held.clip(rand.New(rand.NewPCG(7, uint64(i))), i)
		if err != nil {
			return out, err
		}
		for k, tau := range []float64{0.1, 0.5} {
			e := nn.NewEager()
			l, err := m.TrainingLoss(e, diffusion.TrainingExample{Clip: s.clip, Instruction: s.instruction,
				Schedule: diffusion.Cosine, Tau: tau, Segments: 2, Seed: uint64(i)})
			if err != nil {
				return out, err
			}
			if err := e.Err(); err != nil {
				return out, err
			}
			out[k] += float64(e.Dense(l).Float32s()[0]) / 4
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// save writes the model, the optimiser and the state to dir.
func save(ctx context.Context, dir string, cfg diffusion.Config, m *diffusion.Denoiser, opt *optim.AdamW, st state) error {
	ctx = context.WithoutCancel(ctx)
	if err := checkpoint.Save(ctx, dir, cfg, m); err != nil {
		return err
	}
	if err := opt.Save(filepath.Join(dir, "optim.safetensors")); err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, "state.json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return errors.Join(os.Rename(tmp, filepath.Join(dir, "state.json")))
}
