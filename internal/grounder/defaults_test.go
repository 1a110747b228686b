package grounder

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/diffusion"
)

func TestDefaultEncoderOptions(t *testing.T) {
	want := diffusion.DefaultOptions()
	want.Geometry, want.Entities = true, 4
	if diff := cmp.Diff(want, DefaultEncoderOptions(), cmp.Comparer(func(a, b func(int, int)) bool { return a == nil && b == nil })); diff != "" {
		t.Errorf("DefaultEncoderOptions (-paper defaults with geometry and 4 entity slots +got):\n%s", diff)
	}
}

func TestFrozenKey(t *testing.T) {
	f := tinyFrozen(t, fakeSegmenter{})
	k := f.Key()
	// The progress callback is no part of the key (a func prints as its
	// address, which changes from process to process).
	f.Encoder.Options.Progress = func(int, int) {}
	if f.Key() != k {
		t.Errorf("Key changes with a progress callback: %q, was %q", f.Key(), k)
	}
	f.Encoder.Options.Progress = nil
	for name, edit := range map[string]func(f *Frozen){
		"name":     func(f *Frozen) { f.Name = "other" },
		"geometry": func(f *Frozen) { f.Encoder.Options.Geometry = !f.Encoder.Options.Geometry },
		"seed":     func(f *Frozen) { f.Encoder.Options.Seed++ },
		"steps":    func(f *Frozen) { f.Encoder.Options.Steps++ },
		"taps":     func(f *Frozen) { f.Encoder.Options.Taps = []int{0} },
	} {
		g := tinyFrozen(t, fakeSegmenter{})
		edit(g)
		if g.Key() == k {
			t.Errorf("%s: Key unchanged (%q)", name, k)
		}
	}
}

// TestLoadDefaults loads the SDK's default frozen stages once and checks
// that they fit together as the recipe uses them.
func TestLoadDefaults(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the default weights")
	}
	f, b, err := LoadDefaults(context.Background(), DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !f.Encoder.Options.Geometry {
		t.Errorf("encoder options without geometry")
	}
	c := DefaultConfig(f.Encoder.PooledDim(), f.Text.Dim(), b.LM.Config().HiddenSize, f.Aux.AuxDim())
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := TimeTokenIDs(b.Tok, c.TimeTokens); err != nil {
		t.Errorf("the default vocabulary lacks the default %d time tokens: %v", c.TimeTokens, err)
	}
	if f.Tok != b.Tok {
		t.Errorf("the frozen stages and the base use different tokenizers")
	}
	if !strings.Contains(f.Key(), "denoiser sha256:") || !strings.Contains(f.Key(), "detector sha256:") {
		t.Errorf("Key %q does not identify the weights", f.Key())
	}
	if f.Encoder.Denoiser.Config.Height%PixelGrid != 0 || f.Encoder.Denoiser.Config.Width%PixelGrid != 0 {
		t.Errorf("default denoiser frames %dx%d are not a multiple of PixelGrid", f.Encoder.Denoiser.Config.Width, f.Encoder.Denoiser.Config.Height)
	}
}
