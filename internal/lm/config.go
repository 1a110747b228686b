package lm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrConfig is wrapped by every error about a configuration.
var ErrConfig = errors.New("invalid language model config")

// The model types Config accepts (Hugging Face's model_type).
const (
	Llama = "llama"
	Phi3  = "phi3"
)

// Config is the architecture of a language model, with the field names of
// Hugging Face's config.json for LlamaConfig and Phi3Config. ParseConfig
// fills the defaults of transformers for absent optional fields.
type Config struct {
	// ModelType is "llama" or "phi3" (which decides the tensor layout).
	ModelType string `json:"model_type"`
	// HiddenSize is the model width D; IntermediateSize the MLP width I.
	HiddenSize       int `json:"hidden_size"`
	IntermediateSize int `json:"intermediate_size"`
	// NumHiddenLayers is the number of decoder layers.
	NumHiddenLayers int `json:"num_hidden_layers"`
	// NumAttentionHeads is H; NumKeyValueHeads is KV (default H), which
	// must divide H (grouped-query attention).
	NumAttentionHeads int `json:"num_attention_heads"`
	NumKeyValueHeads  int `json:"num_key_value_heads"`
	// HeadDim is hd (default D/H; llama configs may set it explicitly,
	// phi3 configs ignore it as transformers does).
	HeadDim int `json:"head_dim,omitempty"`
	// RMSNormEps is the RMSNorm epsilon (default 1e-6 for llama, 1e-5 for
	// phi3).
	RMSNormEps float64 `json:"rms_norm_eps"`
	// RopeTheta is the base of the rotary frequencies (default 10000).
	RopeTheta float64 `json:"rope_theta"`
	// VocabSize is the number of rows of the embedding and of lm_head.
	VocabSize int `json:"vocab_size"`
	// MaxPositionEmbeddings bounds the positions Forward accepts.
	MaxPositionEmbeddings int `json:"max_position_embeddings"`
	// TieWordEmbeddings makes lm_head the embedding matrix (default false,
	// as LlamaConfig and Phi3Config).
	TieWordEmbeddings bool `json:"tie_word_embeddings"`
	// HiddenAct must be "silu".
	HiddenAct string `json:"hidden_act"`
	// SlidingWindow (phi3 only; 0: none) limits attention to the keys k
	// with q - SlidingWindow < k <= q, as transformers' sliding-window
	// causal mask. Llama configs ignore the field, as transformers does.
	SlidingWindow int `json:"sliding_window,omitempty"`
	// InitializerRange is the standard deviation of New's weights (default
	// 0.02).
	InitializerRange float64 `json:"initializer_range"`
}

// Default returns the size of the SDK's default language model: a Llama
// with D = 256, 4 layers, 4 heads of 64, 2 key/value heads, I = 688, a
// vocabulary of 1024 and 2048 positions.
func Default() Config {
	return Config{
		ModelType:             Llama,
		HiddenSize:            256,
		IntermediateSize:      688,
		NumHiddenLayers:       4,
		NumAttentionHeads:     4,
		NumKeyValueHeads:      2,
		RMSNormEps:            1e-6,
		RopeTheta:             10000,
		VocabSize:             1024,
		MaxPositionEmbeddings: 2048,
		HiddenAct:             "silu",
		InitializerRange:      0.02,
	}
}

// unsupported lists config.json fields that change the math in ways this
// package does not implement; ParseConfig refuses non-default values.
type unsupported struct {
	RopeScaling         json.RawMessage `json:"rope_scaling"`
	AttentionBias       *bool           `json:"attention_bias"`
	MLPBias             *bool           `json:"mlp_bias"`
	PartialRotaryFactor *float64        `json:"partial_rotary_factor"`
}

// required lists the fields that have no default here.
type required struct {
	ModelType         *string `json:"model_type"`
	HiddenSize        *int    `json:"hidden_size"`
	IntermediateSize  *int    `json:"intermediate_size"`
	NumHiddenLayers   *int    `json:"num_hidden_layers"`
	NumAttentionHeads *int    `json:"num_attention_heads"`
	VocabSize         *int    `json:"vocab_size"`
}

// ParseConfig decodes a Hugging Face config.json. Fields it does not know
// (architectures, token ids, dropout rates, torch_dtype...) are ignored.
// model_type, hidden_size, intermediate_size, num_hidden_layers,
// num_attention_heads and vocab_size are required; the others get
// transformers' defaults. rope_scaling other than null, attention_bias or
// mlp_bias true and partial_rotary_factor other than 1 are errors. The
// result is validated (Validate). Errors wrap ErrConfig.
func ParseConfig(data []byte) (Config, error) {
	var req required
	if err := json.Unmarshal(data, &req); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	for _, f := range []struct {
		name string
		ok   bool
	}{
		{"model_type", req.ModelType != nil}, {"hidden_size", req.HiddenSize != nil},
		{"intermediate_size", req.IntermediateSize != nil}, {"num_hidden_layers", req.NumHiddenLayers != nil},
		{"num_attention_heads", req.NumAttentionHeads != nil}, {"vocab_size", req.VocabSize != nil},
	} {
		if !f.ok {
			return Config{}, fmt.Errorf("%w: field %s is missing", ErrConfig, f.name)
		}
	}
	c := Config{RopeTheta: 10000, HiddenAct: "silu", InitializerRange: 0.02}
	switch *req.ModelType {
	case Llama:
		c.RMSNormEps, c.MaxPositionEmbeddings = 1e-6, 2048
	case Phi3:
		c.RMSNormEps, c.MaxPositionEmbeddings = 1e-5, 4096
	}
	var un unsupported
	if err := json.Unmarshal(data, &un); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if s := bytes.TrimSpace(un.RopeScaling); len(s) > 0 && !bytes.Equal(s, []byte("null")) {
		return Config{}, fmt.Errorf("%w: rope_scaling %s is not supported (only null: plain rotary positions)", ErrConfig, s)
	}
	if un.AttentionBias != nil && *un.AttentionBias {
		return Config{}, fmt.Errorf("%w: attention_bias true is not supported", ErrConfig)
	}
	if un.MLPBias != nil && *un.MLPBias {
		return Config{}, fmt.Errorf("%w: mlp_bias true is not supported", ErrConfig)
	}
	if p := un.PartialRotaryFactor; p != nil && *p != 1 {
		return Config{}, fmt.Errorf("%w: partial_rotary_factor %v is not supported (only 1)", ErrConfig, *p)
	}
	// A null field (sliding_window: null) leaves the default.
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if c.NumKeyValueHeads == 0 {
		c.NumKeyValueHeads = c.NumAttentionHeads
	}
	// As transformers: only Phi3Config has a sliding window, only
	// LlamaConfig a head_dim.
	if c.ModelType != Phi3 {
		c.SlidingWindow = 0
	} else {
		c.HeadDim = 0
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// ReadConfig reads and parses dir/config.json (ParseConfig); errors name the
// file.
func ReadConfig(dir string) (Config, error) {
	path := filepath.Join(dir, configFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("lm: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("lm: %s: %w", path, err)
	}
	return c, nil
}

// HeadDims returns hd: HeadDim, or D/H when HeadDim is 0.
func (c Config) HeadDims() int {
	if c.HeadDim != 0 {
		return c.HeadDim
	}
	if c.NumAttentionHeads <= 0 {
		return 0
	}
	return c.HiddenSize / c.NumAttentionHeads
}

// Validate checks the config: a known model_type, positive sizes, H
// divisible by KV, D divisible by H unless head_dim is given, an even head
// dimension (rotary positions rotate pairs), hidden_act "silu", a positive
// epsilon and rope_theta, and a non-negative sliding window. Errors wrap
// ErrConfig and name the fields.
func (c Config) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	switch {
	case c.ModelType != Llama && c.ModelType != Phi3:
		return fail("model_type %q is not supported (want %q or %q)", c.ModelType, Llama, Phi3)
	case c.HiddenSize <= 0:
		return fail("hidden_size %d must be positive", c.HiddenSize)
	case c.IntermediateSize <= 0:
		return fail("intermediate_size %d must be positive", c.IntermediateSize)
	case c.NumHiddenLayers <= 0:
		return fail("num_hidden_layers %d must be positive", c.NumHiddenLayers)
	case c.NumAttentionHeads <= 0:
		return fail("num_attention_heads %d must be positive", c.NumAttentionHeads)
	case c.NumKeyValueHeads <= 0:
		return fail("num_key_value_heads %d must be positive", c.NumKeyValueHeads)
	case c.NumAttentionHeads%c.NumKeyValueHeads != 0:
		return fail("num_key_value_heads %d does not divide num_attention_heads %d", c.NumKeyValueHeads, c.NumAttentionHeads)
	case c.HeadDim < 0:
		return fail("head_dim %d must be positive", c.HeadDim)
	case c.HeadDim == 0 && c.HiddenSize%c.NumAttentionHeads != 0:
		return fail("num_attention_heads %d does not divide hidden_size %d", c.NumAttentionHeads, c.HiddenSize)
	case c.HeadDims()%2 != 0:
		return fail("head dimension %d (hidden_size/num_attention_heads or head_dim) must be even for rotary positions", c.HeadDims())
	case c.VocabSize <= 0:
		return fail("vocab_size %d must be positive", c.VocabSize)
	case c.MaxPositionEmbeddings <= 0:
		return fail("max_position_embeddings %d must be positive", c.MaxPositionEmbeddings)
	case c.HiddenAct != "silu":
		return fail("hidden_act %q is not supported (want \"silu\")", c.HiddenAct)
	case !(c.RMSNormEps > 0):
		return fail("rms_norm_eps %v must be positive", c.RMSNormEps)
	case !(c.RopeTheta > 0):
		return fail("rope_theta %v must be positive", c.RopeTheta)
	case c.SlidingWindow < 0:
		return fail("sliding_window %d must not be negative", c.SlidingWindow)
	case c.SlidingWindow != 0 && c.ModelType != Phi3:
		return fail("sliding_window %d is only used by phi3", c.SlidingWindow)
	case !(c.InitializerRange >= 0):
		return fail("initializer_range %v must not be negative", c.InitializerRange)
	}
	return nil
}

// numParams returns the number of weights of a model of config c, in
// float64 so that a hostile config cannot overflow it.
func (c Config) numParams() float64 {
	d, hd, i := float64(c.HiddenSize), float64(c.HeadDims()), float64(c.IntermediateSize)
	h, kv, v := float64(c.NumAttentionHeads), float64(c.NumKeyValueHeads), float64(c.VocabSize)
	layer := 2*d + 2*h*hd*d + 2*kv*hd*d + 3*i*d
	n := v*d + float64(c.NumHiddenLayers)*layer + d
	if !c.TieWordEmbeddings {
		n += v * d
	}
	return n
}
