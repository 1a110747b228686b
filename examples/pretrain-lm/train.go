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

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
)

// The files and directories of the output directory.
const (
	latestDir = "latest"            // the last checkpoint (lm.Save)
	bestDir   = "best"              // the checkpoint of lowest held-out perplexity
	optimFile = "optim.safetensors" // AdamW state of latest
	stateFile = "state.json"        // progress of latest
	vocabFile = fusion.VocabFile    // the vocabulary, beside both checkpoints
)

// options are the training settings (the command's flags).
type options struct {
	Out             string
	Config          lm.Config
	Seed            uint64
	Videos, HeldOut int
	Time, MaxLen    int
	Steps, Batch    int
	Every           int
	LR              float64
	Minutes         float64
	Resume          bool
	// StopAt > 0 ends this run after step StopAt (checkpointed) without
	// changing the schedule; a -resume run continues from there.
	StopAt int
}

// state is the progress written beside the latest checkpoint.
type state struct {
	Step     int     `json:"step"`      // steps done
	BestPPL  float64 `json:"best_ppl"`  // lowest held-out perplexity so far
	BestStep int     `json:"best_step"` // the step of BestPPL
}

// train runs next-token training and writes checkpoints under opt.Out;
// progress lines go to log.
func train(ctx context.Context, tok *fusion.Tokenizer, opt options, log io.Writer) error {
	start := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(log, "%6.0fs "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
	}
	if opt.Config.VocabSize != tok.Size() {
		return fmt.Errorf("config vocab_size %d but the tokenizer has %d tokens", opt.Config.VocabSize, tok.Size())
	}
	trainSeqs, unks, err := buildCorpus(tok, corpusOptions{Seed: opt.Seed, Videos: opt.Videos, Time: opt.Time, MaxLen: opt.MaxLen})
	if err != nil {
		return err
	}
	testSeqs, _, err := buildCorpus(tok, corpusOptions{Seed: heldOutSeed(opt.Seed), Videos: opt.HeldOut, Time: opt.Time, MaxLen: opt.MaxLen})
	if err != nil {
		return err
	}
	logf("corpus: %d training sequences (%d tokens, %d [UNK]), %d held-out; unigram held-out perplexity %.3f",
		len(trainSeqs), countTokens(trainSeqs), unks, len(testSeqs), unigramPerplexity(trainSeqs, testSeqs, tok.Size()))

	m, st, adam, err := initOrResume(ctx, opt)
	if err != nil {
		return err
	}
	names, params := namedParams(m)
	all := batches(trainSeqs, opt.Batch)
	warm := int(math.Ceil(optim.PaperWarmupFraction * float64(opt.Steps)))
	deadline := start.Add(time.Duration(opt.Minutes * float64(time.Minute)))
	save := func(step int) error {
		nll, _, err := perplexity(ctx, m, testSeqs, nil)
		if err != nil {
			return err
		}
		ppl := math.Exp(nll)
		if err := saveCheckpoint(ctx, filepath.Join(opt.Out, latestDir), m, tok); err != nil {
			return err
		}
		if err := adam.Save(filepath.Join(opt.Out, optimFile)); err != nil {
			return err
		}
		st.Step = step
		if st.BestPPL == 0 || ppl < st.BestPPL {
			st.BestPPL, st.BestStep = ppl, step
			if err := saveCheckpoint(ctx, filepath.Join(opt.Out, bestDir), m, tok); err != nil {
				return err
			}
		}
		if err := writeJSON(filepath.Join(opt.Out, stateFile), st); err != nil {
			return err
		}
		logf("step %d checkpoint: held-out perplexity %.3f (best %.3f at step %d)", step, ppl, st.BestPPL, st.BestStep)
		return nil
	}
	var avg float64
	step, first := st.Step, st.Step
	loopStart := time.Now()
	for ; step < opt.Steps; step++ {
		if opt.StopAt > 0 && step >= opt.StopAt {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			logf("wall-clock budget of %.0f minutes reached at step %d", opt.Minutes, step)
			break
		}
		b := batchAt(all, opt.Seed, step)
		seqs := make([][]int, len(b))
		for i, j := range b {
			seqs[i] = trainSeqs[j]
		}
		g := nn.NewGraph()
		loss, _, err := nextTokenLoss(g, m, seqs, nil)
		if err != nil {
			return err
		}
		if err := g.Backward(loss); err != nil {
			return err
		}
		if err := g.Run(ctx); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		l := float64(g.Value(loss).Float32s()[0])
		ps := make([]optim.Param, len(params))
		for i, p := range params {
			grad, err := g.Grad(p)
			if err != nil {
				return fmt.Errorf("step %d: %s: %w", step, names[i], err)
			}
			ps[i] = optim.Param{Name: names[i], Value: p.Float32s(), Grad: grad.Float32s()}
		}
		norm := optim.ClipGlobalNorm(ps, 1)
		lr := optim.Cosine(step, opt.Steps, warm, opt.LR, opt.LR/20)
		if err := adam.Step(lr, ps); err != nil {
			return fmt.Errorf("step %d: %w", step, err)
		}
		if avg == 0 {
			avg = l
		}
		avg = 0.95*avg + 0.05*l
		if step%10 == 0 {
			logf("step %d loss %.4f (avg %.4f, ppl %.2f) grad-norm %.3f lr %.2e %.2f steps/s",
				step, l, avg, math.Exp(avg), norm, lr, float64(step-first+1)/time.Since(loopStart).Seconds())
		}
		if (step+1)%opt.Every == 0 {
			if err := save(step + 1); err != nil {
				return err
			}
		}
	}
	if step%opt.Every != 0 || step == first {
		return save(step)
	}
	return nil
}

// saveCheckpoint writes m (lm.Save) and the vocabulary to dir.
func saveCheckpoint(ctx context.Context, dir string, m *lm.Model, tok *fusion.Tokenizer) error {
	if err := lm.Save(ctx, dir, m); err != nil {
		return err
	}
	return writeVocab(tok, filepath.Join(dir, vocabFile))
}

// heldOutSeed is the synth seed of the held-out videos of training seed s.
func heldOutSeed(s uint64) uint64 { return s + 1000 }

func countTokens(seqs [][]int) int {
	n := 0
	for _, s := range seqs {
		n += len(s)
	}
	return n
}

// initOrResume returns a fresh model of opt.Config drawn from opt.Seed, or
// with opt.Resume the latest checkpoint of opt.Out with its optimiser state
// and progress (a missing checkpoint starts afresh).
func initOrResume(ctx context.Context, opt options) (*lm.Model, *state, *optim.AdamW, error) {
	adam := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8, WeightDecay: 0.01})
	dir := filepath.Join(opt.Out, latestDir)
	if opt.Resume {
		var st state
		b, err := os.ReadFile(filepath.Join(opt.Out, stateFile))
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, nil, nil, err
		default:
			if err := json.Unmarshal(b, &st); err != nil {
				return nil, nil, nil, fmt.Errorf("%s: %w", stateFile, err)
			}
			m, err := lm.Load(ctx, dir)
			if err != nil {
				return nil, nil, nil, err
			}
			if m.Config() != opt.Config {
				return nil, nil, nil, fmt.Errorf("resume: %s has config %+v, the flags ask for %+v", dir, m.Config(), opt.Config)
			}
			if err := adam.Load(filepath.Join(opt.Out, optimFile)); err != nil {
				return nil, nil, nil, err
			}
			return m, &st, adam, nil
		}
	}
	m, err := lm.New(opt.Config, rand.New(rand.NewPCG(opt.Seed, 0x1a7)))
	if err != nil {
		return nil, nil, nil, err
	}
	return m, &state{}, adam, nil
}

// namedParams returns the model's weights with their Hugging Face names
// (the optimiser state's keys).
func namedParams(m *lm.Model) ([]string, []*tensor.Dense) {
	var names []string
	var ps []*tensor.Dense
	// Walk cannot fail on an lm.Model.
	_ = checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
		if *p != nil {
			names, ps = append(names, name), append(ps, *p)
		}
		return nil
	})
	return names, ps
}

// writeJSON writes v to path through a temporary file renamed into place.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
