package lora

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/safetensors"
)

// savedAdapters attaches trained-looking adapters (q, v) to smallLM(seed)
// and saves them to a new directory.
func savedAdapters(t *testing.T, seed uint64) (dir string, s *Set) {
	t.Helper()
	targets, err := Projections("q", "v", "down")
	if err != nil {
		t.Fatal(err)
	}
	s, err = Attach(ctx, smallLM(t, seed), Config{Rank: 3, Alpha: 6, Targets: targets}, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		t.Fatal(err)
	}
	randomizeB(s, seed)
	dir = filepath.Join(t.TempDir(), "adapters")
	if err := s.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	return dir, s
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir, src := savedAdapters(t, 21)
	x := randDense(rand.New(rand.NewPCG(1, 1)), 1, 5, 16)
	m := smallLM(t, 21) // the same base, built again
	s, err := Load(ctx, dir, m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(src.Config(), s.Config()); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if s.Base() != src.Base() {
		t.Errorf("base %s, want %s", s.Base(), src.Base())
	}
	for i, a := range s.Adapters() {
		b := src.Adapters()[i]
		if diff := cmp.Diff([][]float32{b.A.Float32s(), b.B.Float32s()}, [][]float32{a.A.Float32s(), a.B.Float32s()}); diff != "" {
			t.Errorf("%s (-want +got):\n%s", a.Name, diff)
		}
	}
	// The loaded adapters act: same logits as a model with the saved ones.
	orig := smallLM(t, 21)
	s2, err := Load(ctx, dir, orig)
	if err != nil {
		t.Fatal(err)
	}
	s2.Detach()
	if diff := cmp.Diff(logits(t, orig, x), logits(t, smallLM(t, 21), x)); diff != "" {
		t.Errorf("Detach did not restore the base (-want +got):\n%s", diff)
	}
	if d := maxRelDiff(logits(t, orig, x), logits(t, m, x)); d < 1e-3 {
		t.Errorf("loaded adapters change the logits by only %.3g", d)
	}

	var files []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		files = append(files, e.Name())
	}
	if diff := cmp.Diff([]string{ConfigFile, WeightsFile}, files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// editConfig rewrites the adapter config of dir as a JSON object.
func editConfig(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	edit(obj)
	if b, err = json.Marshal(obj); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editWeights rewrites the adapter weights of dir, tensors by name.
func editWeights(t *testing.T, dir string, edit func(map[string]safetensors.Tensor)) {
	t.Helper()
	path := filepath.Join(dir, WeightsFile)
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
}

func TestLoadErrors(t *testing.T) {
	const q1 = "model.layers.1.self_attn.q_proj"
	tests := []struct {
		name    string
		seed    uint64 // of the base model given to Load; 21 is the right one
		config  func(map[string]any)
		weights func(map[string]safetensors.Tensor)
		wantErr error
		want    []string
	}{
		{"another base model", 22, nil, nil, ErrBase, []string{"base_model_sha256 sha256:", "the model given is sha256:"}},
		{"missing lora_B", 21, nil, func(ts map[string]safetensors.Tensor) {
			delete(ts, q1+".lora_B.weight")
		}, ErrFile, []string{`target "` + q1 + `"`, `"` + q1 + `.lora_B.weight" missing`}},
		{"misshaped lora_A", 21, nil, func(ts map[string]safetensors.Tensor) {
			ts[q1+".lora_A.weight"] = safetensors.Tensor{Name: q1 + ".lora_A.weight", Shape: []int{4, 16}, Data: make([]float32, 64)}
		}, ErrFile, []string{`target "` + q1 + `"`, "lora_A has shape (4, 16), want (3, 16)"}},
		{"misshaped lora_B", 21, nil, func(ts map[string]safetensors.Tensor) {
			ts[q1+".lora_B.weight"] = safetensors.Tensor{Name: q1 + ".lora_B.weight", Shape: []int{8, 3}, Data: make([]float32, 24)}
		}, ErrFile, []string{`target "` + q1 + `"`, "lora_B has shape (8, 3), want (16, 3)"}},
		{"extra tensor", 21, nil, func(ts map[string]safetensors.Tensor) {
			n := "model.layers.0.mlp.up_proj.lora_A.weight"
			ts[n] = safetensors.Tensor{Name: n, Shape: []int{3, 16}, Data: make([]float32, 48)}
		}, ErrFile, []string{`"model.layers.0.mlp.up_proj.lora_A.weight"`, "not an adapter of a target"}},
		{"targets select other linears", 21, func(c map[string]any) {
			c["adapted"] = []string{"model.layers.0.self_attn.q_proj"}
		}, nil, ErrFile, []string{"the targets select", "the file records"}},
		{"rank zero", 21, func(c map[string]any) { c["r"] = 0 }, nil, ErrConfig, []string{"rank 0", ConfigFile}},
		{"bad identity", 21, func(c map[string]any) { c["base_model_sha256"] = "md5:00" }, nil, ErrConfig, []string{`"md5:00"`}},
		{"unknown field", 21, func(c map[string]any) { c["lora_dropout"] = 0.1 }, nil, ErrConfig, []string{"lora_dropout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := savedAdapters(t, 21)
			if tt.config != nil {
				editConfig(t, dir, tt.config)
			}
			if tt.weights != nil {
				editWeights(t, dir, tt.weights)
			}
			m := smallLM(t, tt.seed)
			s, err := Load(ctx, dir, m)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if s != nil {
				t.Error("Load returned a set with its error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			for _, l := range m.Layers {
				if l.Attn.Q.Adapter != nil || l.Attn.V.Adapter != nil || l.MLP.Down.Adapter != nil {
					t.Fatal("a failed Load left adapters attached")
				}
			}
		})
	}
	t.Run("no directory", func(t *testing.T) {
		if _, err := Load(ctx, filepath.Join(t.TempDir(), "none"), smallLM(t, 21)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("error %v, want os.ErrNotExist", err)
		}
	})
}

// FuzzParseConfig checks that any adapter_config.json content either
// parses into a usable config or fails with ErrConfig, without panicking.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"r": 64, "lora_alpha": 128, "target_modules": ["q_proj$"], "base_model_sha256": "sha256:` + strings.Repeat("ab", 32) + `", "adapted": ["a.q_proj"]}`))
	f.Add([]byte(`{"r": -1}`))
	f.Add([]byte(`{"r": 2, "lora_alpha": 1e400}`))
	f.Add([]byte(`{} {}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fc, err := parseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			return
		}
		if _, err := (Config{Rank: fc.Rank, Alpha: fc.Alpha, Targets: fc.Targets}).compile(); err != nil {
			t.Fatalf("parsed config does not compile: %v", err)
		}
		if len(fc.Adapted) == 0 || !identityRE.MatchString(fc.Base) {
			t.Fatalf("parsed config lacks adapted names or identity: %+v", fc)
		}
	})
}
