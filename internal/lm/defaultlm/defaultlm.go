package defaultlm

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/lm"
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
// encoder's (fusion/defaulttext), so token ids mean the same in both. The
// weights are checked against the config by lm.LoadFS, as lm.Load checks a
// directory.
func Load(ctx context.Context) (*lm.Model, *fusion.Tokenizer, error) {
	fail := func(err error) (*lm.Model, *fusion.Tokenizer, error) {
		return nil, nil, fmt.Errorf("defaultlm: %w", err)
	}
	dir, err := fs.Sub(files, "model")
	if err != nil {
		return fail(err)
	}
	m, err := lm.LoadFS(ctx, dir)
	if err != nil {
		return fail(err)
	}
	vocab, err := fs.ReadFile(dir, "vocab.txt")
	if err != nil {
		return fail(err)
	}
	tok, err := fusion.ReadVocab(bytes.NewReader(vocab))
	if err != nil {
		return fail(err)
	}
	if tok.Size() != m.Config().VocabSize {
		return fail(fmt.Errorf("vocab.txt holds %d tokens, config.json vocab_size is %d", tok.Size(), m.Config().VocabSize))
	}
	return m, tok, nil
}
