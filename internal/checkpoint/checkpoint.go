package checkpoint

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
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/safetensors"
)

// The files of a checkpoint directory.
const (
	ModelFile  = "model.safetensors"
	ConfigFile = "config.json"
)

// Errors of Save and Load, wrapped with the file and tensor they concern.
var (
	ErrMissing    = errors.New("tensor missing from the checkpoint")
	ErrUnexpected = errors.New("unexpected tensor in the checkpoint")
	ErrShape      = errors.New("shape mismatch")
	ErrTensor     = errors.New("unusable tensor field")
)

// Save writes model's tensors (see Walk for naming) to dir/model.safetensors
// as F32 and config, encoded as indented JSON, to dir/config.json, creating
// dir if needed. Both files are written to temporary files in dir first and
// renamed into place, one after the other, only once both are complete and
// synced, so a Save that fails leaves no temporary files behind and (unless
// the second rename itself fails) any previous checkpoint untouched. A nil
// optional tensor is left out; a nil required one, a tensor that is not
// float32 or not contiguous, or a NaN or infinite value is an error naming
// the tensor.
func Save(ctx context.Context, dir string, config, model any) error {
	return SaveAs(ctx, dir, config, model, safetensors.F32)
}

// SaveAs is Save storing the tensors as dtype: safetensors.F32, or F16 or
// BF16 (half the size, rounded to nearest even; a value too large for the
// type is an error naming the tensor). Load reads all three.
func SaveAs(ctx context.Context, dir string, config, model any, dtype safetensors.DType) error {
	if config == nil {
		return fmt.Errorf("checkpoint %s: nil config", dir)
	}
	var tensors []safetensors.Tensor
	err := walk(model, func(p param) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := *p.ptr
		if t == nil {
			if p.optional {
				return nil
			}
			return fmt.Errorf("tensor %q: %w: nil and not optional", p.name, ErrTensor)
		}
		data, err := contiguous(t)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", p.name, err)
		}
		tensors = append(tensors, safetensors.Tensor{Name: p.name, DType: dtype, Shape: slices.Clone(t.Shape()), Data: data})
		return nil
	})
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	cfg, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		return fmt.Errorf("checkpoint %s: config: %w", filepath.Join(dir, ConfigFile), err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	modelPath := filepath.Join(dir, ModelFile)
	model1, err := stage(modelPath, func(w io.Writer) error {
		err := safetensors.Encode(w, tensors, nil)
		var se *safetensors.Error
		if errors.As(err, &se) {
			se.File = modelPath
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	defer os.Remove(model1) // after a successful rename there is nothing to remove
	configPath := filepath.Join(dir, ConfigFile)
	config1, err := stage(configPath, func(w io.Writer) error {
		_, err := w.Write(append(cfg, '\n'))
		return err
	})
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	defer os.Remove(config1)
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	if err := os.Rename(model1, modelPath); err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	if err := os.Rename(config1, configPath); err != nil {
		return fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	return nil
}

// contiguous returns the row-major data of a float32 tensor without copying.
func contiguous(t *tensor.Dense) ([]float32, error) {
	if t.Dtype() != tensor.Float32 {
		return nil, fmt.Errorf("%w: dtype %v, want float32", ErrTensor, t.Dtype())
	}
	data := t.Float32s()
	n := t.Shape().TotalSize()
	if len(data) != n || n > 0 && t.RequiresIterator() {
		return nil, fmt.Errorf("%w: shape %v is not stored contiguously (a transposed or strided view?)", ErrTensor, t.Shape())
	}
	return data, nil
}

// stage writes a temporary file beside path with write, syncs and closes it,
// and returns its name, ready to be renamed to path. On error nothing is left.
func stage(path string, write func(io.Writer) error) (name string, err error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return "", err
	}
	if err := errors.Join(f.Chmod(0o644), f.Sync()); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return f.Name(), nil
}

// ReadConfig decodes dir/config.json into config, which must be a non-nil
// pointer. A field of the file that config does not have, or anything after
// the JSON value, is an error. Fields absent from the file keep config's
// values, so defaults can be set before the call. Call it to learn a model's
// sizes before building the model for Load.
func ReadConfig(dir string, config any) error {
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return decodeConfig(b, path, config)
}

// ReadConfigFS is ReadConfig reading config.json from the root of fsys.
func ReadConfigFS(fsys fs.FS, config any) error {
	b, err := fs.ReadFile(fsys, ConfigFile)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return decodeConfig(b, ConfigFile, config)
}

// decodeConfig decodes the config.json bytes b, read from path.
func decodeConfig(b []byte, path string, config any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(config); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("checkpoint %s: data after the JSON value", path)
	}
	return nil
}

// Load reads a checkpoint written by Save (or any safetensors file with
// matching names) into config (with ReadConfig; nil skips config.json) and
// model (see Walk for naming). model's structure must already be built:
// slices sized and sub-structs allocated. For each tensor field:
//   - a non-nil field must have the file's shape (ErrShape, naming both
//     shapes) and is filled in place, so aliases of its data see the values;
//   - a nil field is allocated with the file's shape;
//   - a tensor missing from the file is ErrMissing, unless the field is
//     optional, which is then set to nil.
//
// A tensor in the file that no field takes is ErrUnexpected. Every tensor is
// read and checked (including NaN and infinity, as safetensors does) before
// the model is changed, so on error the model is untouched; config may have
// been decoded already. Errors name the file and the tensor.
func Load(ctx context.Context, dir string, config, model any) error {
	if config != nil {
		if err := ReadConfig(dir, config); err != nil {
			return err
		}
	}
	path := filepath.Join(dir, ModelFile)
	f, err := safetensors.Open(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	return loadModel(ctx, f.Reader, model)
}

// LoadFS is Load reading config.json and model.safetensors from the root of
// fsys (an embedded checkpoint, for example), with the same checks.
func LoadFS(ctx context.Context, fsys fs.FS, config, model any) error {
	if config != nil {
		if err := ReadConfigFS(fsys, config); err != nil {
			return err
		}
	}
	b, err := fs.ReadFile(fsys, ModelFile)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	r, err := safetensors.NewReader(bytes.NewReader(b), int64(len(b)), ModelFile)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return loadModel(ctx, r, model)
}

// loadModel is Load's reading of the weights from an open file.
func loadModel(ctx context.Context, f *safetensors.Reader, model any) error {
	path := f.Name()
	fail := func(name string, err error) error { return fmt.Errorf("tensor %q: %w", name, err) }

	type load struct {
		param
		info safetensors.Info
		data []float32
	}
	var loads []load
	var absent []param // optional fields the file lacks
	taken := map[string]bool{}
	err := walk(model, func(p param) error {
		info, ok := f.Info(p.name)
		if !ok {
			if p.optional {
				absent = append(absent, p)
				return nil
			}
			return fail(p.name, ErrMissing)
		}
		taken[p.name] = true
		if t := *p.ptr; t != nil {
			if _, err := contiguous(t); err != nil {
				return fail(p.name, err)
			}
			if !slices.Equal([]int(t.Shape()), info.Shape) {
				return fail(p.name, fmt.Errorf("%w: model has %v, file has %v", ErrShape, t.Shape(), tensor.Shape(info.Shape)))
			}
		}
		loads = append(loads, load{param: p, info: info})
		return nil
	})
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	var extra []string
	for _, info := range f.Tensors() {
		if !taken[info.Name] {
			extra = append(extra, fmt.Sprintf("%q", info.Name))
		}
	}
	if len(extra) > 0 {
		return fmt.Errorf("checkpoint %s: tensor %s: %w", path, strings.Join(extra, ", "), ErrUnexpected)
	}
	for i := range loads {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("checkpoint %s: %w", path, err)
		}
		if loads[i].data, err = f.Float32s(loads[i].name); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	for _, l := range loads {
		if t := *l.ptr; t != nil {
			copy(t.Float32s(), l.data)
			continue
		}
		*l.ptr = tensor.New(tensor.WithShape(l.info.Shape...), tensor.WithBacking(l.data))
	}
	for _, p := range absent {
		*p.ptr = nil
	}
	return nil
}
