package defaultmodel

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/internal/grounder"
)

//go:embed weights/config.json weights/model.safetensors weights/adapter
var weights embed.FS

// Load returns a Pipeline of the default model with options opts (their
// token budgets are set from the model's config). Each call loads fresh
// copies of every weight.
func Load(ctx context.Context, opts grounding.Options) (*grounding.Pipeline, error) {
	p, err := load(ctx, Weights(), opts)
	if err != nil {
		return nil, fmt.Errorf("defaultmodel: %w", err)
	}
	return p, nil
}

// LoadDir is Load with the trained parts read from a checkpoint directory
// written by examples/train-grounder (RUN/latest) instead of the embedded
// ones; the frozen stages are the defaults. A checkpoint of another
// configuration (another language model width, pixel features) is an error
// naming the directory.
func LoadDir(ctx context.Context, dir string, opts grounding.Options) (*grounding.Pipeline, error) {
	p, err := load(ctx, os.DirFS(dir), opts)
	if err != nil {
		return nil, fmt.Errorf("defaultmodel: %s: %w", dir, err)
	}
	return p, nil
}

func load(ctx context.Context, fsys fs.FS, opts grounding.Options) (*grounding.Pipeline, error) {
	frozen, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		return nil, err
	}
	m, _, err := grounder.Load(ctx, fsys, base)
	if err != nil {
		return nil, err
	}
	stages, err := Stages(frozen, base, m)
	if err != nil {
		return nil, err
	}
	opts.ObjectTokens, opts.TimeTokens = budget(m.Config.ObjectTokens), budget(m.Config.TimeTokens)
	return grounding.New(stages, opts)
}

// budget maps a config's token budget to grounding.Options' convention
// (0 there means the default, negative none).
func budget(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// Stages wires a trained model m onto its frozen stages as the stages of a
// grounding.Pipeline: the encoder's g_phi becomes m's.
func Stages(frozen *grounder.Frozen, base grounder.Base, m *grounder.Model) (grounding.Stages, error) {
	if m.Config.Features != grounder.DiffusionFeatures {
		return grounding.Stages{}, fmt.Errorf("model features %q: a pipeline needs %q", m.Config.Features, grounder.DiffusionFeatures)
	}
	enc := *frozen.Encoder
	if got, want := enc.PooledDim(), m.Config.PooledDim; got != want {
		return grounding.Stages{}, fmt.Errorf("model reads %d pooled features, the encoder gives %d", want, got)
	}
	enc.Proj = m.Projection()
	return grounding.Stages{
		Segmenter: frozen.Segmenter, Encoder: &enc, Text: frozen.Text, Time: &m.Time, Fuser: m.Fuser,
		LM: grounder.LM{Base: base, Skip: m.Config.Skip}, Spans: &m.Spans, Answers: grounder.Answers{Model: m},
	}, nil
}

// Weights returns the embedded checkpoint of the trained parts
// (config.json, model.safetensors, adapter/), for grounder.Load.
func Weights() fs.FS {
	sub, err := fs.Sub(weights, "weights")
	if err != nil {
		panic(err) // unreachable: "weights" is a valid path of the embedded tree
	}
	return sub
}
