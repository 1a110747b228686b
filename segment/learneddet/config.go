package learneddet

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/videodit/videodit/internal/synth"
)

// Config sizes the network and holds its word vocabulary; it is saved as a
// checkpoint's config.json.
type Config struct {
	// Size is the side of the square input in pixels: frames of another
	// size are resized to Size x Size, masks resized back. A multiple of
	// Patch.
	Size int `json:"size"`
	// Patch is the side of the square patches (tokens); each token predicts
	// Patch*Patch mask logits.
	Patch int `json:"patch"`
	// Dim is the token width, Heads the attention heads (Dim a multiple of
	// Heads), Hidden the gated MLP width of every block.
	Dim    int `json:"dim"`
	Heads  int `json:"heads"`
	Hidden int `json:"hidden"`
	// Backbone blocks see the frame alone (computed once per frame);
	// Conditioned blocks run once per (frame, phrase), each after a FiLM
	// modulation from the phrase vector.
	Backbone    int `json:"backbone"`
	Conditioned int `json:"conditioned"`
	// WordDim is the width of the word embedding, PhraseDim that of the
	// phrase vector (the FiLM conditioning).
	WordDim   int `json:"word_dim"`
	PhraseDim int `json:"phrase_dim"`
	// PixelDim is the width of the per-pixel features of the mask head.
	PixelDim int `json:"pixel_dim"`
	// Vocab lists the known words; id len(Vocab) is the unknown word.
	Vocab []string `json:"vocab"`
	// Threshold is the score threshold tau the detector suggests
	// (segment.Thresholder), in [0,1].
	Threshold float64 `json:"threshold"`
	// Score chooses the proposal score: ScorePresence (or empty), ScoreMask
	// or ScoreBoth.
	Score string `json:"score,omitempty"`
}

// Proposal scores (Config.Score).
const (
	// ScorePresence is the sigmoid of the presence logit.
	ScorePresence = "presence"
	// ScoreMask is the highest pixel probability of the mask.
	ScoreMask = "mask"
	// ScoreBoth is the geometric mean of the two.
	ScoreBoth = "both"
)

// DefaultConfig is the configuration the shipped weights were trained
// with, with the benchmark's vocabulary (sizes, colours, shapes); their
// config.json holds the threshold calibrated after training (0.35).
func DefaultConfig() Config {
	vocab := append(append(synth.Sizes(), synth.Colours()...), synth.Shapes()...)
	return Config{Size: 64, Patch: 8, Dim: 64, Heads: 4, Hidden: 128, Backbone: 2, Conditioned: 2,
		WordDim: 32, PhraseDim: 64, PixelDim: 8, Vocab: vocab, Threshold: 0.5}
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("learneddet: invalid config")

// Check reports the first invalid field of c.
func (c Config) Check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Patch < 1 || c.Size < c.Patch || c.Size%c.Patch != 0 || c.Size > 1024:
		return bad("size %d and patch %d: want 1 <= patch <= size <= 1024, size a multiple of patch", c.Size, c.Patch)
	case c.Dim < 1 || c.Heads < 1 || c.Dim%c.Heads != 0 || c.Hidden < 1:
		return bad("dim %d, heads %d, hidden %d: want positive, dim a multiple of heads", c.Dim, c.Heads, c.Hidden)
	case c.Backbone < 0 || c.Conditioned < 0 || c.Backbone+c.Conditioned > 16:
		return bad("%d backbone and %d conditioned blocks: want 0 to 16 in all", c.Backbone, c.Conditioned)
	case c.WordDim < 1 || c.PhraseDim < 1 || c.PixelDim < 1:
		return bad("word_dim %d, phrase_dim %d, pixel_dim %d: want positive", c.WordDim, c.PhraseDim, c.PixelDim)
	case len(c.Vocab) == 0:
		return bad("empty vocabulary")
	case math.IsNaN(c.Threshold) || c.Threshold < 0 || c.Threshold > 1:
		return bad("threshold %v: want in [0,1]", c.Threshold)
	case c.Score != "" && c.Score != ScorePresence && c.Score != ScoreMask && c.Score != ScoreBoth:
		return bad("score %q: want %q, %q or %q", c.Score, ScorePresence, ScoreMask, ScoreBoth)
	}
	seen := map[string]bool{}
	for _, w := range c.Vocab {
		if w == "" || w != strings.ToLower(w) || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			return bad("vocabulary word %q: want lower-case letters", w)
		}
		if seen[w] {
			return bad("vocabulary word %q twice", w)
		}
		seen[w] = true
	}
	return nil
}

// tokens is the number of patch tokens of a frame, (Size/Patch)^2.
func (c Config) tokens() int { g := c.Size / c.Patch; return g * g }

// unknown is the id of words outside the vocabulary.
func (c Config) unknown() int { return len(c.Vocab) }

// stopWords are dropped from phrases before the lookup.
var stopWords = map[string]bool{"the": true, "a": true, "an": true}

// ErrEmptyPhrase is wrapped when a phrase holds no word.
var ErrEmptyPhrase = errors.New("learneddet: phrase has no word")

// Words splits a phrase into lower-case words (letters only), without the
// articles "the", "a", "an", and returns their vocabulary ids; a word
// outside the vocabulary gets the unknown id len(c.Vocab). A phrase with
// no word left is an error wrapping ErrEmptyPhrase.
func (c Config) Words(phrase string) ([]int, error) {
	index := make(map[string]int, len(c.Vocab))
	for i, w := range c.Vocab {
		index[w] = i
	}
	var ids []int
	for _, w := range strings.FieldsFunc(strings.ToLower(phrase), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if stopWords[w] {
			continue
		}
		id, ok := index[w]
		if !ok {
			id = c.unknown()
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: %q", ErrEmptyPhrase, phrase)
	}
	return ids, nil
}
