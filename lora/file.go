package lora

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/safetensors"
)

// The files of an adapter directory (PEFT's names).
const (
	ConfigFile  = "adapter_config.json"
	WeightsFile = "adapter_model.safetensors"
)

// fileConfig is the JSON of ConfigFile. r, lora_alpha and target_modules
// have PEFT's names.
type fileConfig struct {
	Rank    int      `json:"r"`
	Alpha   float64  `json:"lora_alpha"`
	Targets []string `json:"target_modules"`
	// Base is the Identity of the base model the adapters were attached to.
	Base string `json:"base_model_sha256"`
	// Adapted lists the adapted linears' names, in checkpoint order.
	Adapted []string `json:"adapted"`
}

var identityRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// parseConfig decodes and validates an adapter config file's content.
// Unknown fields and trailing data are errors wrapping ErrConfig.
func parseConfig(b []byte) (fileConfig, error) {
	var fc fileConfig
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return fc, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fc, fmt.Errorf("%w: data after the JSON value", ErrConfig)
	}
	if _, err := (Config{Rank: fc.Rank, Alpha: fc.Alpha, Targets: fc.Targets}).compile(); err != nil {
		return fc, err
	}
	if !identityRE.MatchString(fc.Base) {
		return fc, fmt.Errorf("%w: base_model_sha256 %q is not sha256: and 64 hex digits", ErrConfig, fc.Base)
	}
	if len(fc.Adapted) == 0 {
		return fc, fmt.Errorf("%w: no adapted linears", ErrConfig)
	}
	return fc, nil
}

// Save writes the adapters alone to dir (created if needed):
// adapter_model.safetensors holding NAME.lora_A.weight (r, in) and
// NAME.lora_B.weight (out, r) for every adapted linear NAME, and
// adapter_config.json holding r, lora_alpha, target_modules, the adapted
// names and base_model_sha256, the base model's Identity. Both files go
// through temporary files renamed into place. Errors name the directory.
func (s *Set) Save(ctx context.Context, dir string) error {
	fc := fileConfig{Rank: s.config.Rank, Alpha: s.config.Alpha, Targets: s.config.Targets, Base: s.base}
	var ts []safetensors.Tensor
	for _, a := range s.adapters {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("lora: save %s: %w", dir, err)
		}
		fc.Adapted = append(fc.Adapted, a.Name)
		ts = append(ts,
			safetensors.Tensor{Name: a.Name + ".lora_A.weight", Shape: slices.Clone([]int(a.A.Shape())), Data: a.A.Float32s()},
			safetensors.Tensor{Name: a.Name + ".lora_B.weight", Shape: slices.Clone([]int(a.B.Shape())), Data: a.B.Float32s()})
	}
	cfg, err := json.MarshalIndent(fc, "", "  ")
	if err != nil {
		return fmt.Errorf("lora: save %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lora: save %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+ConfigFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("lora: save %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	_, err = tmp.Write(append(cfg, '\n'))
	if err = errors.Join(err, tmp.Chmod(0o644), tmp.Sync(), tmp.Close()); err != nil {
		return fmt.Errorf("lora: save %s: %w", dir, err)
	}
	if err := safetensors.WriteFile(filepath.Join(dir, WeightsFile), ts, map[string]string{"format": "pt"}); err != nil {
		return fmt.Errorf("lora: save %s: %w", dir, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, ConfigFile)); err != nil {
		return fmt.Errorf("lora: save %s: %w", dir, err)
	}
	return nil
}

// Load reads adapters saved by Save from dir and attaches them to model,
// which must be the base model they were trained on: its Identity must
// equal the recorded base_model_sha256 (ErrBase otherwise), the targets
// must select exactly the recorded linears, and every lora_A and lora_B
// must be present with the shapes of its linear at rank r (ErrFile, naming
// the target or tensor). A tensor of the file that no target takes is an
// error. Errors name the file.
func Load(ctx context.Context, dir string, model any) (*Set, error) {
	s, err := LoadFS(ctx, os.DirFS(dir), model)
	if err != nil {
		return nil, fmt.Errorf("%w (directory %s)", err, dir)
	}
	return s, nil
}

// LoadFS is Load reading adapter_config.json and adapter_model.safetensors
// from the root of fsys (an embedded checkpoint, for example), with the
// same checks; errors name the files as fsys holds them.
func LoadFS(ctx context.Context, fsys fs.FS, model any) (*Set, error) {
	cpath, wpath := ConfigFile, WeightsFile
	b, err := fs.ReadFile(fsys, cpath)
	if err != nil {
		return nil, fmt.Errorf("lora: %w", err)
	}
	fc, err := parseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("lora: %s: %w", cpath, err)
	}
	wb, err := fs.ReadFile(fsys, wpath)
	if err != nil {
		return nil, fmt.Errorf("lora: %w", err)
	}
	f, err := safetensors.NewReader(bytes.NewReader(wb), int64(len(wb)), wpath)
	if err != nil {
		return nil, fmt.Errorf("lora: %w", err)
	}
	base, err := Identity(ctx, model)
	if err != nil {
		return nil, err
	}
	if base != fc.Base {
		return nil, fmt.Errorf("lora: %s: %w: recorded base_model_sha256 %s, the model given is %s", cpath, ErrBase, fc.Base, base)
	}
	c := Config{Rank: fc.Rank, Alpha: fc.Alpha, Targets: fc.Targets}
	var names []string
	used := map[string]bool{}
	s, err := attach(model, c, base, func(name string, l *nn.Linear) (a, b *tensor.Dense, err error) {
		names = append(names, name)
		read := func(suffix string) (*tensor.Dense, error) {
			tn := name + suffix
			info, ok := f.Info(tn)
			if !ok {
				return nil, fmt.Errorf("target %q: %w: tensor %q missing from %s", name, ErrFile, tn, wpath)
			}
			data, err := f.Float32s(tn)
			if err != nil {
				return nil, fmt.Errorf("target %q: %w", name, err)
			}
			used[tn] = true
			return tensor.New(tensor.WithShape(info.Shape...), tensor.WithBacking(data)), nil
		}
		if a, err = read(".lora_A.weight"); err != nil {
			return nil, nil, err
		}
		if b, err = read(".lora_B.weight"); err != nil {
			return nil, nil, err
		}
		if err := checkShapes(name, l.W.Shape(), a.Shape(), b.Shape(), fc.Rank); err != nil {
			return nil, nil, fmt.Errorf("%w (file %s)", err, wpath)
		}
		return a, b, nil
	})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Set, error) {
		s.Detach()
		return nil, fmt.Errorf("lora: %w", err)
	}
	if !slices.Equal(names, fc.Adapted) {
		return fail(fmt.Errorf("%w: the targets select %q, the file records %q", ErrFile, names, fc.Adapted))
	}
	for _, info := range f.Tensors() {
		if !used[info.Name] {
			return fail(fmt.Errorf("%w: tensor %q of %s is not an adapter of a target", ErrFile, info.Name, wpath))
		}
	}
	return s, nil
}
