package grounder

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/lora"
)

// savedModel saves a tiny model with trained-looking (non-zero) adapters
// and standardisation statistics and returns its directory, the model, its base and its adapters.
func savedModel(t *testing.T) (dir string, m *Model, b Base, set *lora.Set) {
	t.Helper()
	b = tinyBase(t, 1)
	m, set = tinyModel(t, tinyConfig(), b, 3)
	randomizeB(set.Params(), 4)
	if err := m.Standardize(synthSamples(t, b.Tok)); err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := Save(context.Background(), dir, m, set); err != nil {
		t.Fatal(err)
	}
	return dir, m, b, set
}

// logitsOf returns the start, end and answer logits of Forward on s.
func logitsOf(t *testing.T, m *Model, b Base, s *Sample) [][]float32 {
	t.Helper()
	e := nn.NewEager()
	out, err := m.Forward(e, b, s.Input(m.Config))
	if err != nil {
		t.Fatal(err)
	}
	return [][]float32{e.Dense(out.Start).Float32s(), e.Dense(out.End).Float32s(), e.Dense(out.Answer).Float32s()}
}

// mapFSOf reads the files under dir into an in-memory file system.
func mapFSOf(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir, m, b, set := savedModel(t)
	s := synthSample(t, b.Tok, 8, "what colour is the box ?", 2, 3, true, 1)
	want := logitsOf(t, m, b, s)
	wantParams := paramsOf(m, set)
	mapFS := mapFSOf(t, dir)
	for name, fsys := range map[string]fs.FS{"dir": os.DirFS(dir), "MapFS": mapFS} {
		t.Run(name, func(t *testing.T) {
			// Onto a fresh copy of the same base model.
			b2 := tinyBase(t, 1)
			m2, set2, err := Load(context.Background(), fsys, b2)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(m.Config, m2.Config); diff != "" {
				t.Errorf("config (-saved +loaded):\n%s", diff)
			}
			if diff := cmp.Diff(wantParams, paramsOf(m2, set2)); diff != "" {
				t.Errorf("parameters (-saved +loaded):\n%s", diff)
			}
			if diff := cmp.Diff(want, logitsOf(t, m2, b2, s)); diff != "" {
				t.Errorf("logits (-saved model +loaded model):\n%s", diff)
			}
			if set2.Base() != set.Base() {
				t.Errorf("adapters' base %s, want %s", set2.Base(), set.Base())
			}
		})
	}
	// Every file of the checkpoint is there, nothing temporary left.
	var names []string
	for n := range mapFS {
		names = append(names, n)
	}
	wantNames := []string{"adapter/adapter_config.json", "adapter/adapter_model.safetensors", "config.json", "model.safetensors"}
	if diff := cmp.Diff(wantNames, names, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("checkpoint files (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	dir, _, _, _ := savedModel(t)
	good := mapFSOf(t, dir)
	with := func(edit func(f fstest.MapFS)) fstest.MapFS {
		f := fstest.MapFS{}
		for k, v := range good {
			f[k] = &fstest.MapFile{Data: append([]byte(nil), v.Data...)}
		}
		edit(f)
		return f
	}
	editConfig := func(edit func(c map[string]any)) func(f fstest.MapFS) {
		return func(f fstest.MapFS) {
			var c map[string]any
			if err := json.Unmarshal(f["config.json"].Data, &c); err != nil {
				t.Fatal(err)
			}
			edit(c)
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			f["config.json"].Data = b
		}
	}
	wider, err := lm.New(func() lm.Config { c := tinyLMConfig(); c.HiddenSize = 32; return c }(), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		base  func(t *testing.T) Base
		is    error
		parts []string // fragments of the error
	}{
		{name: "another base model", fsys: good, base: func(t *testing.T) Base { return tinyBase(t, 2) },
			is: lora.ErrBase, parts: []string{"adapter"}},
		{name: "another llm width", fsys: good, base: func(t *testing.T) Base { return Base{LM: wider, Tok: tinyTokenizer(t)} },
			parts: []string{"llm_dim 16", "32", "config.json"}},
		{name: "config llm_dim", fsys: with(editConfig(func(c map[string]any) { c["llm_dim"] = 24 })),
			parts: []string{"llm_dim 24", "config.json"}},
		{name: "config features", fsys: with(editConfig(func(c map[string]any) { c["features"] = "audio" })),
			parts: []string{"features", "config.json"}},
		{name: "config visual width", fsys: with(editConfig(func(c map[string]any) { c["visual_dim"] = 9 })),
			parts: []string{"g_phi"}},
		{name: "no config", fsys: with(func(f fstest.MapFS) { delete(f, "config.json") }), parts: []string{"config.json"}},
		{name: "no weights", fsys: with(func(f fstest.MapFS) { delete(f, "model.safetensors") }), parts: []string{"model.safetensors"}},
		{name: "truncated weights", fsys: with(func(f fstest.MapFS) {
			f["model.safetensors"].Data = f["model.safetensors"].Data[:len(f["model.safetensors"].Data)/2]
		}), parts: []string{"model.safetensors"}},
		{name: "no adapters", fsys: with(func(f fstest.MapFS) {
			delete(f, "adapter/adapter_config.json")
			delete(f, "adapter/adapter_model.safetensors")
		}), parts: []string{"adapter", "adapter_config.json"}},
		{name: "no adapter weights", fsys: with(func(f fstest.MapFS) { delete(f, "adapter/adapter_model.safetensors") }),
			parts: []string{"adapter", "adapter_model.safetensors"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tinyBase(t, 1)
			if tc.base != nil {
				b = tc.base(t)
			}
			m, set, err := Load(context.Background(), tc.fsys, b)
			if err == nil {
				t.Fatalf("Load = %v, %v, nil error", m, set)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			for _, p := range tc.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error %q does not contain %q", err, p)
				}
			}
			// A failed Load leaves the base model without adapters: a
			// fresh set attaches.
			if _, err := lora.Attach(context.Background(), b.LM, tinyConfig().LoRA(), rand.New(rand.NewPCG(1, 1))); err != nil {
				t.Errorf("after the failed Load: %v", err)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *Config)
		want string // "" for valid
	}{
		{"tiny", func(c *Config) {}, ""},
		{"pixels", func(c *Config) { c.Features = PixelFeatures }, ""},
		{"no tokens", func(c *Config) { c.ObjectTokens, c.TimeTokens = 0, 0 }, ""},
		{"frames", func(c *Config) { c.Frames = 0 }, "frames = 0"},
		{"pooled", func(c *Config) { c.PooledDim = -1 }, "pooled_dim = -1"},
		{"rank", func(c *Config) { c.LoRARank = 0 }, "lora_rank = 0"},
		{"objects", func(c *Config) { c.ObjectTokens = -1 }, "token budgets"},
		{"features", func(c *Config) { c.Features = "" }, "features"},
		{"alpha", func(c *Config) { c.LoRAAlpha = 0 }, "lora_alpha"},
	}
	for _, tc := range tests {
		c := tinyConfig()
		tc.edit(&c)
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if _, nerr := New(c, rand.New(rand.NewPCG(1, 1))); (nerr == nil) != (err == nil) {
			t.Errorf("%s: New error %v, Validate error %v", tc.name, nerr, err)
		}
	}
}
