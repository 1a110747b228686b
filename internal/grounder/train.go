package grounder

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/lora"
)

// Files of a training run directory.
const (
	LatestDir = "latest"            // the last checkpoint (Save, plus the two files below)
	OptimFile = "optim.safetensors" // AdamW's state, in LatestDir
	StateFile = "state.json"        // the step, in LatestDir
)

// TrainOptions drive Train (paper IV-A: AdamW, cosine learning rate with 5%
// warm-up).
type TrainOptions struct {
	// Steps is the number of optimiser steps of the whole run, Batch the
	// samples per step.
	Steps, Batch int
	// LR is the peak learning rate; the schedule ends at LR/20.
	LR float64
	// KLWeight weighs the KL regulariser (Eq. 20's lambda).
	KLWeight float64
	// Seed orders the samples: epoch k visits them in the permutation drawn
	// from (Seed, k).
	Seed uint64
	// Out is the run directory: every Every steps and at the end the
	// trained parts go to Out/latest, the optimiser state and the step
	// beside them. Empty: no checkpoints.
	Out   string
	Every int
	// Log, when set, receives progress lines.
	Log func(format string, args ...any)
}

// MemoryLimit is the soft memory limit (runtime/debug.SetMemoryLimit) the
// training programs set when GOMEMLIMIT is not: each step's graph leaves
// hundreds of megabytes of garbage, and on one or two cores the collector's
// default pacing let a 1000-sample run grow past 24 GB and be killed; with
// the limit it stays near 6 GB at the same speed.
const MemoryLimit = 6 << 30

// State is a run's progress, Out/state.json.
type State struct {
	Step int `json:"step"`
}

// Train trains m and the adapters set on samples, the language model of b
// frozen, from step start (0, or a resumed run's State.Step with adam
// restored by the caller) to o.Steps. It checks ctx between steps; a
// cancelled run returns ctx's error after saving nothing more.
func Train(ctx context.Context, m *Model, b Base, set *lora.Set, samples []*Sample, adam *optim.AdamW, start int, o TrainOptions) error {
	if len(samples) == 0 || o.Batch < 1 || o.Steps < 1 {
		return fmt.Errorf("grounder: train: %d samples, batch %d, %d steps", len(samples), o.Batch, o.Steps)
	}
	params := append(m.Params(), set.Params()...)
	names := make([]string, len(params))
	for i := range params {
		names[i] = fmt.Sprintf("p%03d", i)
	}
	warm := int(math.Ceil(optim.PaperWarmupFraction * float64(o.Steps)))
	logf := func(format string, args ...any) {
		if o.Log != nil {
			o.Log(format, args...)
		}
	}
	var avg float64
	t0 := time.Now()
	for step := start; step < o.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		g := nn.NewGraph()
		g.Freeze(b.LM.Params()...)
		var loss nn.V
		for _, i := range batchAt(len(samples), o.Batch, o.Seed, step) {
			s := samples[i]
			if err := s.Validate(m.Config); err != nil {
				return fmt.Errorf("grounder: train step %d: %w", step, err)
			}
			out, err := m.Forward(g, b, s.Input(m.Config))
			if err != nil {
				return fmt.Errorf("grounder: train step %d: %s %q: %w", step, s.Video, s.Query, err)
			}
			l := m.Loss(g, out, s.Start, s.End, s.Answer, s.AuxTensor(), o.KLWeight)
			if loss == nil {
				loss = l
			} else {
				loss = g.Add(loss, l)
			}
		}
		loss = g.Scale(loss, 1/float32(o.Batch))
		if err := g.Backward(loss); err != nil {
			return fmt.Errorf("grounder: train step %d: %w", step, err)
		}
		if err := g.Run(ctx); err != nil {
			return fmt.Errorf("grounder: train step %d: %w", step, err)
		}
		// A parameter this step's graph did not use (the choice head in a
		// batch without a question) has no gradient and is left alone, as
		// PyTorch's optimisers skip a parameter whose grad is None.
		used := map[*tensor.Dense]bool{}
		for _, p := range g.Params() {
			used[p] = true
		}
		ps := make([]optim.Param, 0, len(params))
		for i, p := range params {
			if !used[p] {
				continue
			}
			grad, err := g.Grad(p)
			if err != nil {
				return fmt.Errorf("grounder: train step %d: %s: %w", step, names[i], err)
			}
			ps = append(ps, optim.Param{Name: names[i], Value: p.Float32s(), Grad: grad.Float32s()})
		}
		norm := optim.ClipGlobalNorm(ps, 1)
		lr := optim.Cosine(step, o.Steps, warm, o.LR, o.LR/20)
		if err := adam.Step(lr, ps); err != nil {
			return fmt.Errorf("grounder: train step %d: %w", step, err)
		}
		l := float64(g.Value(loss).Float32s()[0])
		if avg == 0 {
			avg = l
		}
		avg = 0.95*avg + 0.05*l
		if step%10 == 0 || step == o.Steps-1 {
			logf("step %d/%d loss %.4f (avg %.4f) grad-norm %.3f lr %.2e %.2f s/step", step+1, o.Steps, l, avg, norm, lr, time.Since(t0).Seconds()/float64(step-start+1))
		}
		if o.Out != "" && ((step+1)%max(1, o.Every) == 0 || step == o.Steps-1) {
			if err := SaveRun(ctx, o.Out, m, set, adam, step+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// SaveRun writes the run's checkpoint to out/latest as one unit: the
// trained parts (Save), the optimiser state (OptimFile) and the step
// (StateFile) are written to a temporary directory that then replaces
// out/latest (the previous one is renamed aside and removed), so an
// interrupted save leaves the previous checkpoint whole. Only a crash
// between the two renames can leave no out/latest (the previous one then
// waits in out/latest.old).
func SaveRun(ctx context.Context, out string, m *Model, set *lora.Set, adam *optim.AdamW, step int) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("grounder: %w", err)
	}
	tmp, err := os.MkdirTemp(out, LatestDir+".tmp-")
	if err != nil {
		return fmt.Errorf("grounder: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := Save(ctx, tmp, m, set); err != nil {
		return err
	}
	if err := adam.Save(filepath.Join(tmp, OptimFile)); err != nil {
		return fmt.Errorf("grounder: %w", err)
	}
	b, err := json.Marshal(State{Step: step})
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, StateFile), b, 0o644); err != nil {
		return fmt.Errorf("grounder: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	latest, old := filepath.Join(out, LatestDir), filepath.Join(out, LatestDir+".old")
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("grounder: %w", err)
	}
	if err := os.Rename(latest, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("grounder: %w", err)
	}
	if err := os.Rename(tmp, latest); err != nil {
		return fmt.Errorf("grounder: %w", err)
	}
	return os.RemoveAll(old)
}

// ReadState reads the step of the checkpoint in out/latest.
func ReadState(out string) (State, error) {
	var s State
	p := filepath.Join(out, LatestDir, StateFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return s, fmt.Errorf("grounder: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("grounder: %s: %w", p, err)
	}
	return s, nil
}

// batchAt returns the sample indices of a step: epoch k = step*batch/n
// visits the samples in the permutation drawn from (seed, k).
func batchAt(n, batch int, seed uint64, step int) []int {
	out := make([]int, batch)
	var perm []int
	epoch := -1
	for j := range out {
		pos := step*batch + j
		if k := pos / n; k != epoch {
			epoch = k
			perm = rand.New(rand.NewPCG(seed, uint64(k))).Perm(n)
		}
		out[j] = perm[pos%n]
	}
	return out
}

// NewAdamW returns the recipe's optimiser: AdamW with betas (0.9, 0.999),
// eps 1e-8 and weight decay 0.01.
func NewAdamW() *optim.AdamW {
	return optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01})
}
