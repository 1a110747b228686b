package defaultlm

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"math/rand/v2"
	"slices"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/safetensors"
)

// The embedded checkpoint: a Hugging Face directory (config.json,
// model.safetensors in F16) and the shared vocabulary.
//
//go:embed model/config.json model/model.safetensors model/vocab.txt
var files embed.FS

// Load returns a new copy of the default language model and the tokenizer
// of its vocabulary, read from the embedded checkpoint. Each call returns
// independent weights (float32, converted from the stored F16). The model
// is a Llama (lm.Config in config.json); its vocabulary is the default text
// encoder's (fusion/defaulttext), so token ids mean the same in both.
//
// The weights are checked against the config as lm.Load checks a
// directory: every tensor present with the implied shape, nothing else.
func Load(ctx context.Context) (*lm.Model, *fusion.Tokenizer, error) {
	fail := func(err error) (*lm.Model, *fusion.Tokenizer, error) {
		return nil, nil, fmt.Errorf("defaultlm: %w", err)
	}
	cfgData, err := files.ReadFile("model/config.json")
	if err != nil {
		return fail(err)
	}
	cfg, err := lm.ParseConfig(cfgData)
	if err != nil {
		return fail(err)
	}
	vocab, err := files.ReadFile("model/vocab.txt")
	if err != nil {
		return fail(err)
	}
	tok, err := fusion.ReadVocab(bytes.NewReader(vocab))
	if err != nil {
		return fail(err)
	}
	if tok.Size() != cfg.VocabSize {
		return fail(fmt.Errorf("vocab.txt holds %d tokens, config.json vocab_size is %d", tok.Size(), cfg.VocabSize))
	}
	weights, err := files.ReadFile("model/model.safetensors")
	if err != nil {
		return fail(err)
	}
	r, err := safetensors.NewReader(bytes.NewReader(weights), int64(len(weights)), "model.safetensors")
	if err != nil {
		return fail(err)
	}
	// New allocates the model of the config; its random weights are all
	// overwritten below.
	m, err := lm.New(cfg, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return fail(err)
	}
	if err := fill(ctx, r, m); err != nil {
		return fail(err)
	}
	return m, tok, nil
}

// fill overwrites every weight of m with the tensor of the same Hugging
// Face name in r (the Llama layout), checking shapes, and fails on a tensor
// of r that m does not have.
func fill(ctx context.Context, r *safetensors.Reader, m *lm.Model) error {
	used := map[string]bool{}
	err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if *p == nil { // the family's linears have no bias
			return nil
		}
		info, ok := r.Info(name)
		if !ok {
			return fmt.Errorf("tensor %q: %w", name, lm.ErrMissing)
		}
		if want := []int((*p).Shape()); !slices.Equal(info.Shape, want) {
			return fmt.Errorf("tensor %q: %w: stored %v, config implies %v", name, lm.ErrShape, info.Shape, want)
		}
		data, err := r.Float32s(name)
		if err != nil {
			return err
		}
		copy((*p).Float32s(), data)
		used[name] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, info := range r.Tensors() {
		if !used[info.Name] {
			return fmt.Errorf("tensor %q: %w", info.Name, lm.ErrUnexpected)
		}
	}
	return nil
}
