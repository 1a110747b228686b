package fusion_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
)

func tinyConfig(vocab int) fusion.TextConfig {
	return fusion.TextConfig{VocabSize: vocab, Dim: 8, Heads: 2, Layers: 2, Hidden: 12, MaxLen: 12, RopeBase: 10000, Eps: 1e-6}
}

func tinyEncoder(t *testing.T) *fusion.TextTransformer {
	t.Helper()
	tok := testTokenizer(t)
	m, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(21, 22)), tinyConfig(tok.Size()), tok)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTextBatchIndependence checks that padding is hidden: each text's
// e_text in a padded batch equals its e_text alone.
func TestTextBatchIndependence(t *testing.T) {
	m := tinyEncoder(t)
	texts := []string{"the red circle enters.", "a", "the circle, moving? un"}
	var batch [][]int
	var alone [][]float32
	for _, s := range texts {
		ids, err := m.IDs(s)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, ids)
		v, err := m.Encode(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		alone = append(alone, v)
	}
	e := nn.NewEager()
	out := m.Forward(e, batch)
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tensor.Shape{3, 8}, out.Shape()); diff != "" {
		t.Fatalf("shape (-want +got):\n%s", diff)
	}
	got := rowsOf(e.Dense(out))
	if diff := cmp.Diff(alone, got, cmpApprox(1e-5)); diff != "" {
		t.Errorf("batched e_text (-alone +batched):\n%s", diff)
	}
	// Different texts give different embeddings.
	if diff := cmp.Diff(alone[0], alone[1], cmpApprox(1e-3)); diff == "" {
		t.Errorf("two different texts have the same e_text")
	}
}

func TestTextEncodeErrors(t *testing.T) {
	m := tinyEncoder(t)
	for _, tc := range []struct{ text, want string }{
		{"", "empty text"},
		{"   ", "empty text"},
		{strings.Repeat("a ", 11), "has 13 tokens, the text encoder takes at most 12"},
	} {
		if _, err := m.Encode(context.Background(), tc.text); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Encode(%q) error %v, want one containing %q", tc.text, err, tc.want)
		}
	}
	// Unknown words are not an error: they are [UNK].
	if _, err := m.Encode(context.Background(), "zebra giraffe"); err != nil {
		t.Errorf("Encode of unknown words: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Encode(ctx, "the"); err == nil {
		t.Errorf("Encode with a cancelled context returned no error")
	}
	tok := testTokenizer(t)
	bad := tinyConfig(tok.Size() + 1)
	if _, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(1, 1)), bad, tok); err == nil || !strings.Contains(err.Error(), "disagrees with the vocabulary's 30 tokens") {
		t.Errorf("mismatched vocabulary size: error %v", err)
	}
	bad = tinyConfig(tok.Size())
	bad.Heads = 3
	if _, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(1, 1)), bad, tok); err == nil || !strings.Contains(err.Error(), "heads 3") {
		t.Errorf("bad heads: error %v", err)
	}
}

// TestTextGradient checks the gradients of a padded batch's e_text with
// respect to every weight of a one-block encoder by central differences.
func TestTextGradient(t *testing.T) {
	tok := testTokenizer(t)
	cfg := tinyConfig(tok.Size())
	cfg.Dim, cfg.Layers, cfg.Hidden = 4, 1, 6
	m, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(3, 1)), cfg, tok)
	if err != nil {
		t.Fatal(err)
	}
	batch := [][]int{{2, 9, 10, 3}, {2, 11, 3}}
	build := func(e nn.Exec) nn.V { return m.Forward(e, batch) }
	checkGrad(t, build, m.Params(), 2*cfg.Dim)
}

func TestTextSaveLoad(t *testing.T) {
	m := tinyEncoder(t)
	dir := t.TempDir()
	ctx := context.Background()
	if err := fusion.SaveText(ctx, dir, m); err != nil {
		t.Fatal(err)
	}
	back, err := fusion.LoadText(ctx, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Config(), back.Config()); diff != "" {
		t.Errorf("config (-saved +loaded):\n%s", diff)
	}
	for _, s := range []string{"the red circle enters", "zebra"} {
		want, err := m.Encode(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := back.Encode(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Encode(%q) after a round trip (-saved +loaded):\n%s", s, diff)
		}
	}
}

// writeConfig overwrites dir/config.json with cfg (a map, to write fields
// the TextConfig lacks).
func writeConfig(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	var cfg map[string]any
	b, err := os.ReadFile(filepath.Join(dir, checkpoint.ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	if b, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, checkpoint.ConfigFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTextLoadErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   string
	}{
		{"config width disagrees with tensors", func(t *testing.T, dir string) {
			writeConfig(t, dir, func(c map[string]any) { c["dim"] = 16; c["heads"] = 2 })
		}, `tensor "embed.weight" has shape [30 8], the config implies [30 16]`},
		{"config has fewer layers than the file", func(t *testing.T, dir string) {
			writeConfig(t, dir, func(c map[string]any) { c["layers"] = 1 })
		}, `unexpected tensor "blocks.1.`},
		{"config has more layers than the file", func(t *testing.T, dir string) {
			writeConfig(t, dir, func(c map[string]any) { c["layers"] = 3 })
		}, `tensor "blocks.2.input_layernorm.weight" missing`},
		{"vocab size disagrees", func(t *testing.T, dir string) {
			writeConfig(t, dir, func(c map[string]any) { c["vocab_size"] = 31 })
		}, "config.json says vocab_size 31, vocab.txt has 30 tokens"},
		{"unknown config field", func(t *testing.T, dir string) {
			writeConfig(t, dir, func(c map[string]any) { c["dropout"] = 0.1 })
		}, `unknown field "dropout"`},
		{"vocabulary missing", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, fusion.VocabFile))
		}, "vocab.txt"},
		{"truncated weights", func(t *testing.T, dir string) {
			p := filepath.Join(dir, checkpoint.ModelFile)
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
		}, "model.safetensors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := fusion.SaveText(ctx, dir, tinyEncoder(t)); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, dir)
			_, err := fusion.LoadText(ctx, os.DirFS(dir))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestTextLoadHugeConfig checks that a config claiming a model larger than
// the weights file fails before the model is allocated, naming both sizes.
func TestTextLoadHugeConfig(t *testing.T) {
	dir := t.TempDir()
	if err := fusion.SaveText(context.Background(), dir, tinyEncoder(t)); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, dir, func(c map[string]any) { c["dim"] = 1 << 20; c["heads"] = 1 << 19 })
	_, err := fusion.LoadText(context.Background(), os.DirFS(dir))
	if err == nil || !strings.Contains(err.Error(), "more than model.safetensors") {
		t.Errorf("huge config: error %v, want one naming the file's capacity", err)
	}
}

// FuzzLoadTextConfig loads a valid checkpoint with a fuzzed config.json:
// LoadText must fail cleanly or return an encoder that encodes.
func FuzzLoadTextConfig(f *testing.F) {
	tok, err := fusion.NewTokenizer(testVocab)
	if err != nil {
		f.Fatal(err)
	}
	m, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(21, 22)), tinyConfig(tok.Size()), tok)
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	if err := fusion.SaveText(context.Background(), dir, m); err != nil {
		f.Fatal(err)
	}
	files := map[string][]byte{}
	for _, name := range []string{checkpoint.ConfigFile, checkpoint.ModelFile, fusion.VocabFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			f.Fatal(err)
		}
		files[name] = b
	}
	f.Add(files[checkpoint.ConfigFile])
	f.Add([]byte(`{"vocab_size": 30, "dim": 1000000000, "heads": 2, "layers": 2, "hidden": 12, "max_len": 12, "rope_base": 10000, "eps": 1e-6}`))
	f.Add([]byte(`{"layers": -1}`))
	f.Fuzz(func(t *testing.T, config []byte) {
		fsys := fstest.MapFS{
			checkpoint.ConfigFile: {Data: config},
			checkpoint.ModelFile:  {Data: files[checkpoint.ModelFile]},
			fusion.VocabFile:      {Data: files[fusion.VocabFile]},
		}
		enc, err := fusion.LoadText(context.Background(), fsys)
		if err != nil {
			return
		}
		if _, err := enc.Encode(context.Background(), "the red circle"); err != nil {
			t.Fatalf("a loaded encoder fails to encode: %v", err)
		}
	})
}

// BenchmarkTextForward runs the default-size text encoder
// (DefaultTextConfig(1024)) on the eager executor on a batch of 1 and of 64
// queries of 14 tokens; testdata/bench_text_torch.py times PyTorch on the
// same shapes.
func BenchmarkTextForward(b *testing.B) {
	vocab := append([]string(nil), testVocab...)
	for i := len(vocab); i < 1024; i++ {
		vocab = append(vocab, fmt.Sprintf("w%d", i))
	}
	tok, err := fusion.NewTokenizer(vocab)
	if err != nil {
		b.Fatal(err)
	}
	m, err := fusion.NewTextTransformer(rand.New(rand.NewPCG(1, 1)), fusion.DefaultTextConfig(tok.Size()), tok)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 64} {
		batch := make([][]int, n)
		for i := range batch {
			batch[i] = []int{2}
			for j := range 12 {
				batch[i] = append(batch[i], 5+(7*i+j)%1000)
			}
			batch[i] = append(batch[i], 3)
		}
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := nn.NewEager()
				m.Forward(e, batch)
				if err := e.Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
