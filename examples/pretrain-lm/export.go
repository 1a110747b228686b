package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/safetensors"
)

// exportF16 writes the checkpoint of directory src to directory dst with
// the weights stored as F16 (half the size; lm.Load and transformers read
// it): config.json with torch_dtype "float16", model.safetensors and the
// vocabulary.
func exportF16(ctx context.Context, src, dst string, tok *fusion.Tokenizer) error {
	m, err := lm.Load(ctx, src)
	if err != nil {
		return err
	}
	if err := saveCheckpoint(ctx, dst, m, tok); err != nil {
		return err
	}
	names, params := namedParams(m)
	ts := make([]safetensors.Tensor, len(names))
	for i, p := range params {
		ts[i] = safetensors.Tensor{Name: names[i], DType: safetensors.F16, Shape: slices.Clone([]int(p.Shape())), Data: p.Float32s()}
	}
	if err := safetensors.WriteFile(filepath.Join(dst, "model.safetensors"), ts, map[string]string{"format": "pt"}); err != nil {
		return err
	}
	cfgPath := filepath.Join(dst, "config.json")
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		return fmt.Errorf("%s: %w", cfgPath, err)
	}
	cfg["torch_dtype"] = "float16"
	return writeJSON(cfgPath, cfg)
}

// writeHeldOut writes the texts of the first n held-out videos of seed
// (one document a line) to path, for internal/lm/defaultlm's test.
func writeHeldOut(path string, seed uint64, n, nTime int) error {
	texts, err := corpusTexts(heldOutSeed(seed), n, nTime)
	if err != nil {
		return err
	}
	var sb strings.Builder
	for _, t := range texts {
		sb.WriteString(t)
		sb.WriteByte('\n')
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(sb.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
