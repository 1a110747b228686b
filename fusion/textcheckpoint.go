package fusion

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/safetensors"
)

// VocabFile is the vocabulary file of a text encoder checkpoint, beside
// checkpoint.ConfigFile (the TextConfig) and checkpoint.ModelFile (the
// weights).
const VocabFile = "vocab.txt"

// maxCheckpointFile bounds each file LoadText reads into memory.
const maxCheckpointFile = 1 << 30

// SaveText writes the text encoder m to the directory dir: config.json (its
// TextConfig), model.safetensors (its weights, named as Walk names the
// TextTransformer's fields: "embed.weight", "blocks.0.self_attn.q_proj.weight",
// ..., "norm.weight", "norm.bias") and vocab.txt. Each file is written to a
// temporary file and renamed into place.
func SaveText(ctx context.Context, dir string, m *TextTransformer) error {
	if m == nil || m.tok == nil {
		return fmt.Errorf("fusion: saving text encoder to %s: nil or unbuilt encoder", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("fusion: saving text encoder: %w", err)
	}
	tmp, err := os.CreateTemp(dir, VocabFile+".tmp*")
	if err != nil {
		return fmt.Errorf("fusion: saving text encoder: %w", err)
	}
	defer os.Remove(tmp.Name())
	werr := tmp.Chmod(0o644)
	if werr == nil {
		werr = m.tok.WriteVocab(tmp)
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("fusion: saving text encoder to %s: %w", dir, werr)
	}
	if err := checkpoint.Save(ctx, dir, m.cfg, m); err != nil {
		return fmt.Errorf("fusion: saving text encoder: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, VocabFile)); err != nil {
		return fmt.Errorf("fusion: saving text encoder: %w", err)
	}
	return nil
}

// LoadText reads a text encoder checkpoint written by SaveText from the
// root of fsys (os.DirFS(dir) for a directory, an embed.FS sub-tree for
// weights compiled in). It fails with an error naming the file and what
// disagrees: an unknown config field, a config whose vocab_size differs from
// vocab.txt, a tensor missing, unexpected or of another shape than the
// config implies, a corrupt file.
func LoadText(ctx context.Context, fsys fs.FS) (*TextTransformer, error) {
	read := func(name string) ([]byte, error) {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, fmt.Errorf("fusion: loading text encoder: %w", err)
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxCheckpointFile+1))
		if err != nil {
			return nil, fmt.Errorf("fusion: loading text encoder: %s: %w", name, err)
		}
		if len(b) > maxCheckpointFile {
			return nil, fmt.Errorf("fusion: loading text encoder: %s is larger than %d bytes", name, maxCheckpointFile)
		}
		return b, nil
	}
	cb, err := read(checkpoint.ConfigFile)
	if err != nil {
		return nil, err
	}
	var cfg TextConfig
	dec := json.NewDecoder(bytes.NewReader(cb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("fusion: loading text encoder: %s: %w", checkpoint.ConfigFile, err)
	}
	vb, err := read(VocabFile)
	if err != nil {
		return nil, err
	}
	tok, err := ReadVocab(bytes.NewReader(vb))
	if err != nil {
		return nil, fmt.Errorf("fusion: loading text encoder: %s: %w", VocabFile, err)
	}
	if cfg.VocabSize != tok.Size() {
		return nil, fmt.Errorf("fusion: loading text encoder: %s says vocab_size %d, %s has %d tokens", checkpoint.ConfigFile, cfg.VocabSize, VocabFile, tok.Size())
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("fusion: loading text encoder: %s: %w", checkpoint.ConfigFile, err)
	}
	mb, err := read(checkpoint.ModelFile)
	if err != nil {
		return nil, err
	}
	// Refuse a config whose model is larger than the file could hold (at
	// least 2 bytes a weight) before allocating it, so that a corrupt or
	// hostile config cannot exhaust memory; the per-tensor check below
	// names the exact disagreement of a plausible one.
	if n := cfg.params(); n > float64(len(mb)) {
		return nil, fmt.Errorf("fusion: loading text encoder: %s implies %.0f weights, more than %s (%d bytes) could hold",
			checkpoint.ConfigFile, n, checkpoint.ModelFile, len(mb))
	}
	// The weights are overwritten below; the seed only fills the shapes.
	m, err := NewTextTransformer(rand.New(rand.NewPCG(0, 0)), cfg, tok)
	if err != nil {
		return nil, fmt.Errorf("fusion: loading text encoder: %s: %w", checkpoint.ConfigFile, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fusion: loading text encoder: %w", err)
	}
	if err := loadTensors(mb, m); err != nil {
		return nil, fmt.Errorf("fusion: loading text encoder: %w", err)
	}
	return m, nil
}

// loadTensors fills every tensor of model from the safetensors bytes b,
// checking each against the shape the model (built from its config) has.
func loadTensors(b []byte, model any) error {
	r, err := safetensors.NewReader(bytes.NewReader(b), int64(len(b)), checkpoint.ModelFile)
	if err != nil {
		return err
	}
	taken := map[string]bool{}
	type fill struct {
		dst  []float32
		data []float32
	}
	var fills []fill
	err = checkpoint.Walk(model, func(name string, t **tensor.Dense) error {
		if *t == nil {
			return nil // an optional tensor the model does not have (a bias)
		}
		info, ok := r.Info(name)
		if !ok {
			return fmt.Errorf("%s: tensor %q missing", checkpoint.ModelFile, name)
		}
		taken[name] = true
		want := []int((*t).Shape())
		if !slices.Equal(want, info.Shape) {
			return fmt.Errorf("%s: tensor %q has shape %v, the config implies %v", checkpoint.ModelFile, name, info.Shape, want)
		}
		data, err := r.Float32s(name)
		if err != nil {
			return err
		}
		fills = append(fills, fill{dst: (*t).Data().([]float32), data: data})
		return nil
	})
	if err != nil {
		return err
	}
	var extra []string
	for _, info := range r.Tensors() {
		if !taken[info.Name] {
			extra = append(extra, fmt.Sprintf("%q", info.Name))
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("%s: unexpected tensor %s (not in the config's model)", checkpoint.ModelFile, strings.Join(extra, ", "))
	}
	for _, f := range fills {
		copy(f.dst, f.data)
	}
	return nil
}
