package lm

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/safetensors"
)

// small returns a small valid config of the given type.
func small(modelType string) Config {
	c := Default()
	c.ModelType = modelType
	c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers = 16, 24, 2
	c.NumAttentionHeads, c.NumKeyValueHeads = 4, 2
	c.VocabSize, c.MaxPositionEmbeddings = 11, 64
	return c
}

// tensorsOf lists every tensor of m by checkpoint name.
func tensorsOf(t *testing.T, m *Model) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	err := checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
		if *p != nil {
			out[name] = slices.Clone((*p).Float32s())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSaveLoadRoundTrip(t *testing.T) {
	tied := small(Phi3)
	tied.TieWordEmbeddings, tied.SlidingWindow = true, 5
	headDim := small(Llama)
	headDim.HeadDim = 6
	for name, c := range map[string]Config{"llama": small(Llama), "phi3 tied with window": tied, "llama head_dim": headDim} {
		t.Run(name, func(t *testing.T) {
			src, err := New(c, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "ckpt")
			if err := Save(context.Background(), dir, src); err != nil {
				t.Fatal(err)
			}
			got, err := Load(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c, got.Config()); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tensorsOf(t, src), tensorsOf(t, got)); diff != "" {
				t.Errorf("tensors (-want +got):\n%s", diff)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, e := range entries {
				files = append(files, e.Name())
			}
			if diff := cmp.Diff([]string{configFile, modelFile}, files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSavePhi3Fused checks the stored layout of a Phi-3: fused qkv_proj and
// gate_up_proj holding q, k, v and gate, up as consecutive row blocks.
func TestSavePhi3Fused(t *testing.T) {
	c := small(Phi3)
	m, err := New(c, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Save(context.Background(), dir, m); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Open(filepath.Join(dir, modelFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l := m.Layers[1]
	for _, tt := range []struct {
		name  string
		parts []*tensor.Dense
	}{
		{"model.layers.1.self_attn.qkv_proj.weight", []*tensor.Dense{l.Attn.Q.W, l.Attn.K.W, l.Attn.V.W}},
		{"model.layers.1.mlp.gate_up_proj.weight", []*tensor.Dense{l.MLP.Gate.W, l.MLP.Up.W}},
	} {
		got, err := f.Float32s(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		var want []float32
		for _, p := range tt.parts {
			want = append(want, p.Float32s()...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	var names []string
	for _, info := range f.Tensors() {
		names = append(names, info.Name)
	}
	for _, name := range []string{"model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.up_proj.weight"} {
		if slices.Contains(names, name) {
			t.Errorf("%s stored unfused", name)
		}
	}
	if want := 1 + 2*(2+2+2) + 1 + 1; len(names) != want { // embed, 2 layers of 6, norm, lm_head
		t.Errorf("%d stored tensors %v, want %d", len(names), names, want)
	}
}

// rewrite saves a model of config c, then rewrites its model.safetensors
// through edit (which gets the stored tensors by name) and returns the
// directory.
func rewrite(t *testing.T, c Config, edit func(map[string]safetensors.Tensor)) string {
	t.Helper()
	m, err := New(c, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Save(context.Background(), dir, m); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, modelFile)
	f, err := safetensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := map[string]safetensors.Tensor{}
	for _, info := range f.Tensors() {
		data, err := f.Float32s(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		ts[info.Name] = safetensors.Tensor{Name: info.Name, Shape: info.Shape, Data: data}
	}
	f.Close()
	edit(ts)
	var list []safetensors.Tensor
	for _, v := range ts {
		list = append(list, v)
	}
	if err := safetensors.WriteFile(path, list, nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadErrors(t *testing.T) {
	tiedLlama := small(Llama)
	tiedLlama.TieWordEmbeddings = true
	tests := []struct {
		name    string
		config  Config
		edit    func(map[string]safetensors.Tensor)
		wantErr error
		want    []string // substrings of the message
	}{
		{"missing k_proj", small(Llama), func(ts map[string]safetensors.Tensor) {
			delete(ts, "model.layers.1.self_attn.k_proj.weight")
		}, ErrMissing, []string{`"model.layers.1.self_attn.k_proj.weight"`}},
		{"missing untied lm_head", small(Llama), func(ts map[string]safetensors.Tensor) {
			delete(ts, "lm_head.weight")
		}, ErrMissing, []string{`"lm_head.weight"`}},
		{"missing phi3 fused qkv", small(Phi3), func(ts map[string]safetensors.Tensor) {
			delete(ts, "model.layers.0.self_attn.qkv_proj.weight")
		}, ErrMissing, []string{`"model.layers.0.self_attn.qkv_proj.weight"`}},
		{"misshaped k_proj: more kv heads than the config", small(Llama), func(ts map[string]safetensors.Tensor) {
			ts["model.layers.0.self_attn.k_proj.weight"] = safetensors.Tensor{Name: "model.layers.0.self_attn.k_proj.weight", Shape: []int{16, 16}, Data: make([]float32, 256)}
		}, ErrShape, []string{`"model.layers.0.self_attn.k_proj.weight"`, "file has (16, 16)", "config implies (8, 16)", "num_key_value_heads*head_dim", "num_key_value_heads=2"}},
		{"misshaped norm", small(Llama), func(ts map[string]safetensors.Tensor) {
			ts["model.norm.weight"] = safetensors.Tensor{Name: "model.norm.weight", Shape: []int{15}, Data: make([]float32, 15)}
		}, ErrShape, []string{`"model.norm.weight"`, "(hidden_size)"}},
		{"misshaped phi3 gate_up", small(Phi3), func(ts map[string]safetensors.Tensor) {
			ts["model.layers.1.mlp.gate_up_proj.weight"] = safetensors.Tensor{Name: "model.layers.1.mlp.gate_up_proj.weight", Shape: []int{24, 16}, Data: make([]float32, 24*16)}
		}, ErrShape, []string{`"model.layers.1.mlp.gate_up_proj.weight"`, "(2*intermediate_size, hidden_size)", "intermediate_size=24"}},
		{"more layers than the config", small(Llama), func(ts map[string]safetensors.Tensor) {
			ts["model.layers.2.input_layernorm.weight"] = safetensors.Tensor{Name: "model.layers.2.input_layernorm.weight", Shape: []int{16}, Data: make([]float32, 16)}
		}, ErrUnexpected, []string{`"model.layers.2.input_layernorm.weight"`, "num_hidden_layers is 2"}},
		{"llama tensors under a phi3 config", small(Phi3), func(ts map[string]safetensors.Tensor) {
			ts["model.layers.0.self_attn.q_proj.weight"] = safetensors.Tensor{Name: "model.layers.0.self_attn.q_proj.weight", Shape: []int{16, 16}, Data: make([]float32, 256)}
		}, ErrUnexpected, []string{`"model.layers.0.self_attn.q_proj.weight"`, `model_type "phi3"`}},
		{"tied lm_head that differs", tiedLlama, func(ts map[string]safetensors.Tensor) {
			ts["lm_head.weight"] = safetensors.Tensor{Name: "lm_head.weight", Shape: []int{11, 16}, Data: make([]float32, 11*16)}
		}, ErrTied, []string{`"lm_head.weight"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := rewrite(t, tt.config, tt.edit)
			m, err := Load(context.Background(), dir)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load error %v, want %v", err, tt.wantErr)
			}
			if m != nil {
				t.Error("Load returned a model with its error")
			}
			for _, w := range append(tt.want, filepath.Join(dir, modelFile)) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadAccepts(t *testing.T) {
	tiedLlama := small(Llama)
	tiedLlama.TieWordEmbeddings = true
	tests := []struct {
		name   string
		config Config
		edit   func(map[string]safetensors.Tensor)
	}{
		{"rotary inv_freq buffer", small(Llama), func(ts map[string]safetensors.Tensor) {
			n := "model.layers.0.self_attn.rotary_emb.inv_freq"
			ts[n] = safetensors.Tensor{Name: n, Shape: []int{2}, Data: []float32{1, 0.1}}
		}},
		{"tied lm_head equal to the embedding", tiedLlama, func(ts map[string]safetensors.Tensor) {
			e := ts["model.embed_tokens.weight"]
			ts["lm_head.weight"] = safetensors.Tensor{Name: "lm_head.weight", Shape: e.Shape, Data: e.Data}
		}},
		{"half precision", small(Phi3), func(ts map[string]safetensors.Tensor) {
			for n, v := range ts {
				v.DType = safetensors.BF16
				ts[n] = v
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Load(context.Background(), rewrite(t, tt.config, tt.edit)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(context.Background(), dir); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), configFile) {
		t.Errorf("no config: error %v, want one naming %s", err, configFile)
	}
	if err := os.WriteFile(filepath.Join(dir, configFile), []byte(llamaJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), dir); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), modelFile) {
		t.Errorf("no weights: error %v, want one naming %s", err, modelFile)
	}
	// A config far larger than the file is refused before the model is
	// allocated.
	huge := strings.Replace(llamaJSON, `"hidden_size": 32`, `"hidden_size": 1048576`, 1)
	if err := os.WriteFile(filepath.Join(dir, configFile), []byte(huge), 0o644); err != nil {
		t.Fatal(err)
	}
	small := rewrite(t, small(Llama), func(map[string]safetensors.Tensor) {})
	data, err := os.ReadFile(filepath.Join(small, modelFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, modelFile), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), dir); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "the config implies") {
		t.Errorf("huge config: error %v, want ErrMissing about the parameter count", err)
	}
	if err := os.WriteFile(filepath.Join(dir, configFile), []byte(`{"model_type": "gpt2"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(context.Background(), dir); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), configFile) {
		t.Errorf("bad config: error %v, want ErrConfig naming %s", err, configFile)
	}
}

func TestLoadCancelled(t *testing.T) {
	dir := rewrite(t, small(Llama), func(map[string]safetensors.Tensor) {})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if err := Save(ctx, t.TempDir(), &Model{cfg: small(Llama)}); !errors.Is(err, context.Canceled) {
		t.Errorf("Save: error %v, want context.Canceled", err)
	}
}

// TestLoadFSEqualsLoad reads one saved checkpoint through Load and through
// LoadFS over the same folder: the same weights; a folder without the
// weights file is an error naming it.
func TestLoadFSEqualsLoad(t *testing.T) {
	c := Default()
	c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.VocabSize = 8, 16, 1, 12
	c.NumAttentionHeads, c.NumKeyValueHeads = 2, 1
	m, err := New(c, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Save(context.Background(), dir, m); err != nil {
		t.Fatal(err)
	}
	a, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadFS(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.Params(), b.Params()
	if len(pa) != len(pb) {
		t.Fatalf("%d and %d params", len(pa), len(pb))
	}
	for i := range pa {
		if diff := cmp.Diff(pa[i].Float32s(), pb[i].Float32s()); diff != "" {
			t.Fatalf("param %d (-Load +LoadFS):\n%s", i, diff)
		}
	}
	if err := os.Remove(filepath.Join(dir, modelFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFS(context.Background(), os.DirFS(dir)); err == nil || !strings.Contains(err.Error(), modelFile) {
		t.Errorf("LoadFS without weights: %v, want an error naming %s", err, modelFile)
	}
}
