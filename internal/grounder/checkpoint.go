package grounder

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/lora"
)

// AdapterDir is the sub-directory of a grounder checkpoint holding the
// LoRA adapters (lora.Set.Save).
const AdapterDir = "adapter"

// Save writes the trained parts to dir: config.json and model.safetensors
// (checkpoint.Save) and the adapters under dir/adapter.
func Save(ctx context.Context, dir string, m *Model, set *lora.Set) error {
	if err := checkpoint.Save(ctx, dir, m.Config, m); err != nil {
		return fmt.Errorf("grounder: save %s: %w", dir, err)
	}
	if err := set.Save(ctx, filepath.Join(dir, AdapterDir)); err != nil {
		return fmt.Errorf("grounder: save %s: %w", dir, err)
	}
	return nil
}

// Load reads a checkpoint written by Save from the root of fsys (os.DirFS
// for a directory, an embed.FS sub-tree for compiled-in weights) and
// attaches its adapters to b.LM, which must be the base model they were
// trained on (lora.ErrBase otherwise). A config whose widths disagree with
// b's model, a missing or misshapen tensor: errors naming the file.
func Load(ctx context.Context, fsys fs.FS, b Base) (*Model, *lora.Set, error) {
	var c Config
	if err := checkpoint.ReadConfigFS(fsys, &c); err != nil {
		return nil, nil, fmt.Errorf("grounder: %w", err)
	}
	if d := b.LM.Config().HiddenSize; c.LLMDim != d {
		return nil, nil, fmt.Errorf("grounder: %s: llm_dim %d, the language model is %d wide", checkpoint.ConfigFile, c.LLMDim, d)
	}
	m, err := New(c, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, nil, fmt.Errorf("grounder: %s: %w", checkpoint.ConfigFile, err)
	}
	if err := checkpoint.LoadFS(ctx, fsys, &c, m); err != nil {
		return nil, nil, fmt.Errorf("grounder: %w", err)
	}
	m.Config = c
	if err := m.checkStats(); err != nil {
		return nil, nil, fmt.Errorf("grounder: %s: %w", checkpoint.ModelFile, err)
	}
	sub, err := fs.Sub(fsys, AdapterDir)
	if err != nil {
		return nil, nil, fmt.Errorf("grounder: %w", err)
	}
	set, err := lora.LoadFS(ctx, sub, b.LM)
	if err != nil {
		return nil, nil, fmt.Errorf("grounder: %s: %w", AdapterDir, err)
	}
	return m, set, nil
}
