package learneddet

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWords(t *testing.T) {
	cfg := Config{Vocab: []string{"small", "large", "red", "blue", "square", "circle"}}
	unk := len(cfg.Vocab)
	for _, tc := range []struct {
		phrase string
		want   []int
		err    error
	}{
		{"large blue square", []int{1, 3, 4}, nil},
		{"the Red  Circle!", []int{2, 5}, nil},
		{"a small-red square", []int{0, 2, 4}, nil},
		{"person", []int{unk}, nil},
		{"the shiny red ball", []int{unk, 2, unk}, nil},
		{"", nil, ErrEmptyPhrase},
		{"the", nil, ErrEmptyPhrase},
		{"  42 !? ", nil, ErrEmptyPhrase},
	} {
		got, err := cfg.Words(tc.phrase)
		if !errors.Is(err, tc.err) {
			t.Errorf("Words(%q) error %v, want %v", tc.phrase, err, tc.err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Words(%q) (-want +got):\n%s", tc.phrase, diff)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	if err := DefaultConfig().Check(); err != nil {
		t.Fatalf("DefaultConfig: %v", err)
	}
	for name, edit := range map[string]func(*Config){
		"size not a multiple of patch": func(c *Config) { c.Size = 60 },
		"zero patch":                   func(c *Config) { c.Patch = 0 },
		"dim not a multiple of heads":  func(c *Config) { c.Heads = 3 },
		"negative blocks":              func(c *Config) { c.Backbone = -1 },
		"zero pixel dim":               func(c *Config) { c.PixelDim = 0 },
		"empty vocabulary":             func(c *Config) { c.Vocab = nil },
		"duplicate word":               func(c *Config) { c.Vocab = []string{"red", "red"} },
		"upper-case word":              func(c *Config) { c.Vocab = []string{"Red"} },
		"threshold above 1":            func(c *Config) { c.Threshold = 1.5 },
	} {
		c := DefaultConfig()
		edit(&c)
		if err := c.Check(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Check() = %v, want ErrConfig", name, err)
		}
	}
}

func TestPatchMaskRoundTrip(t *testing.T) {
	cfg := Config{Size: 8, Patch: 4}
	mask := make([]float32, 64)
	for i := range mask {
		mask[i] = float32(i)
	}
	tok := make([]float32, 64)
	cfg.PatchMask(tok, mask)
	// Token 1 (top right) starts with pixel (x=4, y=0), its second row
	// with pixel (4, 1).
	if diff := cmp.Diff([]float32{4, 5, 6, 7, 12, 13, 14, 15}, tok[16:24]); diff != "" {
		t.Errorf("token layout (-want +got):\n%s", diff)
	}
	back := make([]float32, 64)
	cfg.unpatch(back, tok)
	if diff := cmp.Diff(mask, back); diff != "" {
		t.Errorf("unpatch(PatchMask(m)) (-want +got):\n%s", diff)
	}
}

func TestResize(t *testing.T) {
	for _, tc := range []struct {
		name           string
		src            []float32
		sw, sh, dw, dh int
		want           []float32
	}{
		{"copy", []float32{1, 2, 3, 4}, 2, 2, 2, 2, []float32{1, 2, 3, 4}},
		{"halving averages pairs", []float32{1, 3, 5, 7}, 4, 1, 2, 1, []float32{2, 6}},
		{"doubling interpolates", []float32{0, 4}, 2, 1, 4, 1, []float32{0, 1, 3, 4}},
		{"constant stays", []float32{2, 2, 2, 2}, 2, 2, 3, 3, []float32{2, 2, 2, 2, 2, 2, 2, 2, 2}},
	} {
		got := make([]float32, tc.dw*tc.dh)
		Resize(got, tc.dw, tc.dh, tc.src, tc.sw, tc.sh, 1)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// FuzzWords checks that any phrase either fails with ErrEmptyPhrase or
// gives ids inside the vocabulary plus the unknown id.
func FuzzWords(f *testing.F) {
	for _, s := range []string{"large blue square", "the", "", "Émile's red-ish ★ circle", "\x00\xff"} {
		f.Add(s)
	}
	cfg := DefaultConfig()
	f.Fuzz(func(t *testing.T, s string) {
		ids, err := cfg.Words(s)
		if err != nil {
			if !errors.Is(err, ErrEmptyPhrase) || len(ids) != 0 {
				t.Fatalf("Words(%q) = %v, %v", s, ids, err)
			}
			return
		}
		if len(ids) == 0 {
			t.Fatalf("Words(%q) gave no id and no error", s)
		}
		for _, id := range ids {
			if id < 0 || id > cfg.unknown() {
				t.Fatalf("Words(%q) gave id %d outside [0,%d]", s, id, cfg.unknown())
			}
		}
	})
}
