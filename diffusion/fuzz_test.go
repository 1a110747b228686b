package diffusion

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/safetensors"
	"gorgonia.org/tensor"
)

// FuzzReadDenoiser feeds arbitrary configs and weight files to
// ReadDenoiser: it must return a denoiser or an error, never panic.
func FuzzReadDenoiser(f *testing.F) {
	c := tinyConfig()
	m, err := NewDenoiser(rand.New(rand.NewPCG(1, 1)), c)
	if err != nil {
		f.Fatal(err)
	}
	cfg, _ := json.Marshal(c)
	var tensors []safetensors.Tensor
	checkpoint.Walk(m, func(name string, t **tensor.Dense) error {
		if *t != nil {
			tensors = append(tensors, safetensors.Tensor{Name: name, DType: safetensors.F32, Shape: []int((*t).Shape()), Data: (*t).Float32s()})
		}
		return nil
	})
	var buf bytes.Buffer
	if err := safetensors.Encode(&buf, tensors, nil); err != nil {
		f.Fatal(err)
	}
	f.Add(cfg, buf.Bytes())
	f.Add([]byte(`{"height":1e9}`), buf.Bytes()[:20])
	f.Add([]byte(`{}`), []byte{})
	f.Fuzz(func(t *testing.T, config, weights []byte) {
		m, err := ReadDenoiser(config, bytes.NewReader(weights), int64(len(weights)))
		if err != nil {
			return
		}
		if m.Config.Tokens() > 256 || m.Config.Dim > 64 {
			return // valid but too large to run in a fuzz iteration
		}
		e := nn.NewEager()
		m.Text.EmbedInstruction(e, "red circle")
	})
}

// FuzzWords checks that Words never panics and returns non-empty words.
func FuzzWords(f *testing.F) {
	f.Add("Highlight the RED circle, then track it!")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		for _, w := range Words(s) {
			if w == "" {
				t.Errorf("empty word from %q", s)
			}
		}
	})
}
