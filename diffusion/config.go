package diffusion

import (
	"fmt"
	"slices"
)

// Config sizes the denoiser. Every field is part of a checkpoint's
// config.json.
type Config struct {
	// Height and Width are the frame size the denoiser works at, multiples
	// of Patch. Larger or smaller frames are resized by area averaging.
	Height int `json:"height"`
	Width  int `json:"width"`
	// Patch is the side of the square patches, Tubelet their depth in
	// frames (tubelet embedding).
	Patch   int `json:"patch"`
	Tubelet int `json:"tubelet"`
	// Dim is the model width D, Heads the attention heads, Hidden the
	// width of the gated MLP.
	Dim    int `json:"dim"`
	Heads  int `json:"heads"`
	Hidden int `json:"hidden"`
	// Blocks is the number of transformer blocks; even blocks attend
	// within a frame (spatial), odd blocks along time within a segment and
	// its Window neighbours on each side (temporal).
	Blocks int `json:"blocks"`
	Window int `json:"window"`
	// TimeDim is the width of the sinusoidal diffusion-time features.
	TimeDim int `json:"time_dim"`
	// TextDim is the width of the instruction embedding; Vocab the words of
	// the default BagOfWords instruction encoder.
	TextDim int      `json:"text_dim"`
	Vocab   []string `json:"vocab"`
}

// DefaultConfig is the default denoiser: 64x64 frames, 8x8 patches,
// tubelets of 2 frames, width 96, 4 heads, 4 blocks (spatial, temporal,
// spatial, temporal), a temporal window of one neighbouring segment, and a
// vocabulary covering the synthetic benchmark's colours, shapes, sizes and
// instruction templates.
func DefaultConfig() Config {
	return Config{
		Height: 64, Width: 64, Patch: 8, Tubelet: 2,
		Dim: 96, Heads: 4, Hidden: 256, Blocks: 4, Window: 1,
		TimeDim: 64, TextDim: 32, Vocab: slices.Clone(defaultVocab),
	}
}

// defaultVocab holds the words of the synthetic benchmark's entity
// descriptions and of the highlight instructions.
var defaultVocab = []string{
	"red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "white", "black",
	"circle", "square", "triangle", "diamond", "pentagon", "hexagon", "star", "cross",
	"small", "large", "the", "a", "and", "highlight", "masked", "region", "focus", "on",
	"track", "follow", "object", "objects",
}

// Tokens returns the number of patches per frame, P = (Height/Patch) *
// (Width/Patch).
func (c Config) Tokens() int { return (c.Height / max(c.Patch, 1)) * (c.Width / max(c.Patch, 1)) }

// PatchFeatures is the number of values of one tubelet of one image:
// Tubelet*Patch*Patch*3.
func (c Config) PatchFeatures() int { return c.Tubelet * c.Patch * c.Patch * 3 }

// Validate checks the sizes.
func (c Config) Validate() error {
	switch {
	case c.Patch < 1 || c.Tubelet < 1:
		return fmt.Errorf("diffusion: config: patch %d, tubelet %d: want >= 1", c.Patch, c.Tubelet)
	case c.Height < c.Patch || c.Width < c.Patch || c.Height%c.Patch != 0 || c.Width%c.Patch != 0:
		return fmt.Errorf("diffusion: config: frame %dx%d is not a positive multiple of patch %d", c.Width, c.Height, c.Patch)
	case c.Dim < 1 || c.Heads < 1 || c.Dim%c.Heads != 0 || (c.Dim/c.Heads)%2 != 0:
		return fmt.Errorf("diffusion: config: dim %d, heads %d: want dim a multiple of heads with an even head width", c.Dim, c.Heads)
	case c.Hidden < 1 || c.Blocks < 1 || c.Window < 0:
		return fmt.Errorf("diffusion: config: hidden %d, blocks %d, window %d: want >= 1, >= 1, >= 0", c.Hidden, c.Blocks, c.Window)
	case c.TimeDim < 2 || c.TimeDim%2 != 0 || c.TextDim < 1:
		return fmt.Errorf("diffusion: config: time dim %d (even, >= 2), text dim %d (>= 1)", c.TimeDim, c.TextDim)
	case c.Height > 4096 || c.Width > 4096 || c.Patch > 256 || c.Tubelet > 64 || c.Dim > 8192 || c.Heads > 256 ||
		c.Hidden > 65536 || c.Blocks > 256 || c.Window > 1024 || c.TimeDim > 8192 || c.TextDim > 8192 || len(c.Vocab) > 1<<20:
		return fmt.Errorf("diffusion: config: a size is beyond the limits (frames 4096, patch 256, tubelet 64, widths 8192, hidden 65536, heads and blocks 256, window 1024, vocabulary 2^20)")
	}
	return nil
}
