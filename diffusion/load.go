package diffusion

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/safetensors"
)

// ReadDenoiser builds a denoiser from a checkpoint written by
// internal/checkpoint.Save (as examples/pretrain-denoiser does): config is
// the content of config.json (a Config), weights of size bytes the
// model.safetensors file. Every tensor of the denoiser (optional biases
// aside) must be in the file with its shape and nothing else may be; errors
// name the tensor.
func ReadDenoiser(config []byte, weights io.ReaderAt, size int64) (*Denoiser, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(config))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("diffusion: denoiser config: %w", err)
	}
	m, err := Skeleton(c)
	if err != nil {
		return nil, err
	}
	if err := readTensors(m, weights, size); err != nil {
		return nil, err
	}
	if err := m.checkShapes(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkShapes compares every tensor's shape with the one its configuration
// implies.
func (m *Denoiser) checkShapes() error {
	c := m.Config
	d, f := c.Dim, c.PatchFeatures()
	want := map[string][]int{
		"embed.weight": {d, 7 * f / 3}, "embed.bias": {d}, "pos": {c.Tokens(), d},
		"time.in.weight": {d, c.TimeDim}, "time.in.bias": {d}, "time.out.weight": {d, d}, "time.out.bias": {d},
		"text.table": {len(c.Vocab) + 1, c.TextDim}, "text_proj.weight": {d, c.TextDim}, "text_proj.bias": {d},
		"final.adaln.linear.weight": {2 * d, d}, "final.adaln.linear.bias": {2 * d},
		"final.head.weight": {f, d}, "final.head.bias": {f},
	}
	for i := range m.Blocks {
		p := fmt.Sprintf("blocks.%d.", i)
		want[p+"adaln.linear.weight"], want[p+"adaln.linear.bias"] = []int{6 * d, d}, []int{6 * d}
		for _, n := range []string{"q_proj", "k_proj", "v_proj", "o_proj"} {
			want[p+"attn."+n+".weight"], want[p+"attn."+n+".bias"] = []int{d, d}, []int{d}
		}
		want[p+"mlp.gate_proj.weight"], want[p+"mlp.up_proj.weight"] = []int{c.Hidden, d}, []int{c.Hidden, d}
		want[p+"mlp.down_proj.weight"] = []int{d, c.Hidden}
	}
	return checkpoint.Walk(m, func(name string, t **tensor.Dense) error {
		w, ok := want[name]
		switch {
		case *t == nil && strings.HasSuffix(name, ".bias") && !ok:
			return nil
		case *t == nil:
			return fmt.Errorf("diffusion: tensor %q missing from the checkpoint", name)
		case !ok:
			return fmt.Errorf("diffusion: unexpected tensor %q", name)
		case !slices.Equal(w, []int((*t).Shape())):
			return fmt.Errorf("diffusion: tensor %q has shape %v, config %+v wants %v", name, (*t).Shape(), c, w)
		}
		return nil
	})
}

// FrameClassifierConfig is the config.json of a FrameClassifier checkpoint.
type FrameClassifierConfig struct {
	// Size is the side of the resized frames, Hidden the hidden width.
	Size   int `json:"size"`
	Hidden int `json:"hidden"`
	// Classes names the C outputs.
	Classes []string `json:"classes"`
}

// ReadFrameClassifier builds a FrameClassifier from its checkpoint (config
// a FrameClassifierConfig), like ReadDenoiser.
func ReadFrameClassifier(config []byte, weights io.ReaderAt, size int64) (*FrameClassifier, FrameClassifierConfig, error) {
	var c FrameClassifierConfig
	if err := json.Unmarshal(config, &c); err != nil {
		return nil, c, fmt.Errorf("diffusion: frame classifier config: %w", err)
	}
	if c.Size < 1 || c.Hidden < 1 || len(c.Classes) < 1 {
		return nil, c, fmt.Errorf("diffusion: frame classifier config: size %d, hidden %d, %d classes: want all >= 1", c.Size, c.Hidden, len(c.Classes))
	}
	f := &FrameClassifier{Size: c.Size}
	if err := readTensors(f, weights, size); err != nil {
		return nil, c, err
	}
	if s := f.In.W.Shape(); s[1] != auxPatch*auxPatch*3 || s[0] != c.Hidden || f.Out.W.Shape()[0] != len(c.Classes) {
		return nil, c, fmt.Errorf("diffusion: frame classifier: weights %v do not match config %+v", s, c)
	}
	return f, c, nil
}

// readTensors fills every tensor field of model from a safetensors file.
func readTensors(model any, weights io.ReaderAt, size int64) error {
	r, err := safetensors.NewReader(weights, size, "model.safetensors")
	if err != nil {
		return fmt.Errorf("diffusion: %w", err)
	}
	used := map[string]bool{}
	err = checkpoint.Walk(model, func(name string, t **tensor.Dense) error {
		info, ok := r.Info(name)
		if !ok && strings.HasSuffix(name, ".bias") && *t == nil {
			return nil // an optional bias the model does not have
		}
		if !ok {
			return fmt.Errorf("diffusion: tensor %q missing from the checkpoint", name)
		}
		if *t != nil && !slices.Equal([]int((*t).Shape()), info.Shape) {
			return fmt.Errorf("diffusion: tensor %q: shape %v in the checkpoint, model wants %v", name, info.Shape, (*t).Shape())
		}
		data, err := r.Float32s(name)
		if err != nil {
			return fmt.Errorf("diffusion: %w", err)
		}
		shape := info.Shape
		if len(shape) == 0 {
			shape = []int{1}
		}
		*t = dense(data, shape...)
		used[name] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, in := range r.Tensors() {
		if !used[in.Name] {
			return fmt.Errorf("diffusion: unexpected tensor %q in the checkpoint", in.Name)
		}
	}
	return nil
}
