package lora

import (
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/lm"
)

// mapFS reads the files of an adapter directory into an in-memory file
// system, under prefix ("" for its root).
func mapFS(t *testing.T, dir, prefix string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, name := range []string{ConfigFile, WeightsFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[prefix+name] = &fstest.MapFile{Data: b}
	}
	return out
}

// noAdapters reports whether a failed load left m's linears as they were.
func noAdapters(m *lm.Model) bool {
	for _, l := range m.Layers {
		if l.Attn.Q.Adapter != nil || l.Attn.V.Adapter != nil || l.MLP.Down.Adapter != nil {
			return false
		}
	}
	return true
}

func TestLoadFSRoundTrip(t *testing.T) {
	dir, src := savedAdapters(t, 21)
	x := randDense(rand.New(rand.NewPCG(1, 1)), 1, 5, 16)
	fromDir := smallLM(t, 21)
	if _, err := Load(ctx, dir, fromDir); err != nil {
		t.Fatal(err)
	}
	nested, err := fs.Sub(mapFS(t, dir, "ckpt/adapter/"), "ckpt/adapter")
	if err != nil {
		t.Fatal(err)
	}
	for name, fsys := range map[string]fs.FS{"MapFS": mapFS(t, dir, ""), "Sub of a MapFS": nested, "DirFS": os.DirFS(dir)} {
		t.Run(name, func(t *testing.T) {
			m := smallLM(t, 21)
			s, err := LoadFS(ctx, fsys, m)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(src.Config(), s.Config()); diff != "" {
				t.Errorf("config (-saved +loaded):\n%s", diff)
			}
			if s.Base() != src.Base() {
				t.Errorf("base %s, want %s", s.Base(), src.Base())
			}
			var want, got [][]float32
			for i, a := range s.Adapters() {
				b := src.Adapters()[i]
				if a.Name != b.Name {
					t.Errorf("adapter %d is %s, want %s", i, a.Name, b.Name)
				}
				want = append(want, b.A.Float32s(), b.B.Float32s())
				got = append(got, a.A.Float32s(), a.B.Float32s())
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("adapter tensors (-saved +loaded):\n%s", diff)
			}
			if diff := cmp.Diff(logits(t, fromDir, x), logits(t, m, x)); diff != "" {
				t.Errorf("logits (-Load from the directory +LoadFS):\n%s", diff)
			}
		})
	}
}

func TestLoadFSErrors(t *testing.T) {
	dir, _ := savedAdapters(t, 21)
	good := mapFS(t, dir, "")
	with := func(edit func(f fstest.MapFS)) fstest.MapFS {
		f := fstest.MapFS{}
		for k, v := range good {
			f[k] = &fstest.MapFile{Data: append([]byte(nil), v.Data...)}
		}
		edit(f)
		return f
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		fsys fs.FS
		seed uint64
		is   error
		want []string
	}{
		{"no config", ctx, with(func(f fstest.MapFS) { delete(f, ConfigFile) }), 21, fs.ErrNotExist, []string{ConfigFile}},
		{"no weights", ctx, with(func(f fstest.MapFS) { delete(f, WeightsFile) }), 21, fs.ErrNotExist, []string{WeightsFile}},
		{"empty fs", ctx, fstest.MapFS{}, 21, fs.ErrNotExist, []string{ConfigFile}},
		{"adapters one level down", ctx, mapFS(t, dir, "adapter/"), 21, fs.ErrNotExist, []string{ConfigFile}},
		{"truncated weights", ctx, with(func(f fstest.MapFS) { f[WeightsFile].Data = f[WeightsFile].Data[:40] }), 21, nil, []string{WeightsFile}},
		{"config not JSON", ctx, with(func(f fstest.MapFS) { f[ConfigFile].Data = []byte("r: 3") }), 21, ErrConfig, []string{ConfigFile}},
		{"config with trailing data", ctx, with(func(f fstest.MapFS) { f[ConfigFile].Data = append(f[ConfigFile].Data, "{}"...) }), 21, ErrConfig, []string{ConfigFile}},
		{"another base model", ctx, good, 22, ErrBase, []string{ConfigFile, "base_model_sha256"}},
		{"cancelled", cancelled, good, 21, context.Canceled, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := smallLM(t, tc.seed)
			s, err := LoadFS(tc.ctx, tc.fsys, m)
			if err == nil {
				t.Fatalf("LoadFS = %v, nil error", s)
			}
			if s != nil {
				t.Errorf("LoadFS returned a set with its error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "lora: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			if !noAdapters(m) {
				t.Errorf("a failed LoadFS left adapters attached")
			}
		})
	}
}

func TestLoadNamesDirectory(t *testing.T) {
	// Load is LoadFS on the directory: its errors name the directory too.
	dir, _ := savedAdapters(t, 21)
	if err := os.Remove(filepath.Join(dir, WeightsFile)); err != nil {
		t.Fatal(err)
	}
	_, err := Load(ctx, dir, smallLM(t, 21))
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), WeightsFile) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load without weights: %v; want fs.ErrNotExist naming %s and %s", err, dir, WeightsFile)
	}
}
