package lm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/safetensors"
)

// The files of a checkpoint directory (Hugging Face names).
const (
	configFile = "config.json"
	modelFile  = "model.safetensors"
)

// Errors of Load, wrapped with the file and the tensor they concern.
var (
	ErrMissing    = errors.New("tensor missing from the checkpoint")
	ErrShape      = errors.New("tensor shape disagrees with the config")
	ErrUnexpected = errors.New("tensor not explained by the config")
	ErrTied       = errors.New("lm_head.weight differs from the tied embedding")
)

// Load reads a Hugging Face checkpoint directory: dir/config.json
// (ReadConfig) and dir/model.safetensors, F32, F16 or BF16, with the
// tensor names of the config's model_type (the package comment gives
// Phi-3's fused layout). Every tensor the config implies must be present
// with the implied shape; a tensor the config does not explain is an error,
// except rotary_emb.inv_freq buffers of older exports (recomputed here). With
// tie_word_embeddings an lm_head.weight in the file must equal the embedding.
// A config implying far more weights than the file holds (over twice, plus
// 2^20) is refused before the model is allocated.
// Errors name the file and the tensor and wrap ErrMissing, ErrShape,
// ErrUnexpected, ErrTied, ErrConfig or a safetensors error.
func Load(ctx context.Context, dir string) (*Model, error) {
	c, err := ReadConfig(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, modelFile)
	f, err := safetensors.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lm: %w", err)
	}
	defer f.Close()
	return load(ctx, c, f.Reader, path)
}

// LoadFS is Load reading config.json and model.safetensors from the root of
// fsys (an embedded checkpoint, for example), with the same checks; error
// messages name the files as fsys holds them.
func LoadFS(ctx context.Context, fsys fs.FS) (*Model, error) {
	b, err := fs.ReadFile(fsys, configFile)
	if err != nil {
		return nil, fmt.Errorf("lm: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("lm: %s: %w", configFile, err)
	}
	w, err := fs.ReadFile(fsys, modelFile)
	if err != nil {
		return nil, fmt.Errorf("lm: %w", err)
	}
	r, err := safetensors.NewReader(bytes.NewReader(w), int64(len(w)), modelFile)
	if err != nil {
		return nil, fmt.Errorf("lm: %w", err)
	}
	return load(ctx, c, r, modelFile)
}

// load builds the model of c and fills it from r, the weights file at path.
func load(ctx context.Context, c Config, r *safetensors.Reader, path string) (*Model, error) {
	// Refuse a config far larger than the file before allocating its model
	// (a hostile config.json must not make Load allocate without bound);
	// smaller disagreements get the precise errors of fill.
	var stored float64
	for _, info := range r.Tensors() {
		n := 1.0
		for _, d := range info.Shape {
			n *= float64(d)
		}
		stored += n
	}
	if need := c.numParams(); need > 2*stored+1<<20 {
		return nil, fmt.Errorf("lm: %s: %w: the config implies %.0f parameters, the file holds %.0f values", path, ErrMissing, need, stored)
	}
	m := build(c)
	if err := fill(ctx, c, r, m); err != nil {
		return nil, fmt.Errorf("lm: %s: %w", path, err)
	}
	return m, nil
}

// fill reads every tensor of m from r.
func fill(ctx context.Context, c Config, r *safetensors.Reader, m *Model) error {
	used := map[string]bool{}
	fused := map[string][]float32{} // Phi-3 tensors, read once for their blocks
	err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if *p == nil { // the linears' biases: the family has none
			return nil
		}
		dst := (*p).Float32s()
		src := sourceOf(c, name, (*p).Shape())
		data, err := read(c, r, src, fused)
		if err != nil {
			return err
		}
		used[src.name] = true
		cols := len(dst) / max(src.hi-src.lo, 1)
		copy(dst, data[src.lo*cols:src.hi*cols])
		return nil
	})
	if err != nil {
		return err
	}
	if m.Head == nil {
		if _, ok := r.Info("lm_head.weight"); ok {
			head, err := read(c, r, source{name: "lm_head.weight", shape: m.Embed.W.Shape()}, nil)
			if err != nil {
				return err
			}
			if !slices.Equal(head, m.Embed.W.Float32s()) {
				return fmt.Errorf("tensor %q: %w (tie_word_embeddings is true)", "lm_head.weight", ErrTied)
			}
			used["lm_head.weight"] = true
		}
	}
	for _, info := range r.Tensors() {
		switch n := info.Name; {
		case used[n] || strings.HasSuffix(n, ".rotary_emb.inv_freq"):
		case layerIndex(n) >= c.NumHiddenLayers:
			return fmt.Errorf("tensor %q: %w: layer %d but num_hidden_layers is %d", n, ErrUnexpected, layerIndex(n), c.NumHiddenLayers)
		default:
			return fmt.Errorf("tensor %q: %w (model_type %q)", n, ErrUnexpected, c.ModelType)
		}
	}
	return nil
}

// read returns the data of the stored tensor of src after checking its
// shape; fused tensors are cached in cache when it is not nil.
func read(c Config, r *safetensors.Reader, src source, cache map[string][]float32) ([]float32, error) {
	if data, ok := cache[src.name]; ok {
		return data, nil
	}
	info, ok := r.Info(src.name)
	if !ok {
		return nil, fmt.Errorf("tensor %q: %w", src.name, ErrMissing)
	}
	if !slices.Equal(info.Shape, src.shape) {
		return nil, fmt.Errorf("tensor %q: %w: file has %v, config implies %v = %s",
			src.name, ErrShape, tensor.Shape(info.Shape), tensor.Shape(src.shape), shapeRule(c, src.name))
	}
	data, err := r.Float32s(src.name)
	if err != nil {
		return nil, err
	}
	if src.fused && cache != nil {
		cache[src.name] = data
	}
	return data, nil
}

// Save writes m as a Hugging Face checkpoint directory that Load (and
// transformers' LlamaForCausalLM / Phi3ForCausalLM) reads: dir/config.json
// and dir/model.safetensors (F32) with the tensor names of the model_type,
// Phi-3's projections fused again. dir is created if needed. Both files go
// through temporary files renamed into place, so a failed Save leaves no
// partial file; an error names the directory.
func Save(ctx context.Context, dir string, m *Model) error {
	c := m.cfg
	tensors, err := storedTensors(ctx, m)
	if err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	arch := map[string]string{Llama: "LlamaForCausalLM", Phi3: "Phi3ForCausalLM"}[c.ModelType]
	cfg, err := json.MarshalIndent(struct {
		Architectures []string `json:"architectures"`
		Config
		TorchDtype string `json:"torch_dtype"`
	}{[]string{arch}, c, "float32"}, "", "  ")
	if err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+configFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_, err = tmp.Write(append(cfg, '\n'))
	if err = errors.Join(err, tmp.Chmod(0o644), tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	if err := safetensors.WriteFile(filepath.Join(dir, modelFile), tensors, map[string]string{"format": "pt"}); err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, configFile)); err != nil {
		return fmt.Errorf("lm: save %s: %w", dir, err)
	}
	return nil
}

// storedTensors lists m's tensors under their stored names, Phi-3's
// projections joined into their fused tensors.
func storedTensors(ctx context.Context, m *Model) ([]safetensors.Tensor, error) {
	var out []safetensors.Tensor
	fusedAt := map[string]int{} // stored name -> index in out
	err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if *p == nil { // the linears' biases: the family has none
			return nil
		}
		data := (*p).Float32s()
		src := sourceOf(m.cfg, name, (*p).Shape())
		if !src.fused {
			out = append(out, safetensors.Tensor{Name: name, Shape: slices.Clone([]int((*p).Shape())), Data: data})
			return nil
		}
		i, ok := fusedAt[src.name]
		if !ok {
			i = len(out)
			fusedAt[src.name] = i
			out = append(out, safetensors.Tensor{Name: src.name, Shape: src.shape, Data: make([]float32, src.shape[0]*src.shape[1])})
		}
		copy(out[i].Data[src.lo*src.shape[1]:src.hi*src.shape[1]], data)
		return nil
	})
	return out, err
}
