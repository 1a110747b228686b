package grounder

import (
	"fmt"
	"math"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/lora"
)

// Features names the per-frame visual features g_phi reads.
const (
	// DiffusionFeatures are the pooled early-step denoiser states, the
	// union mask's geometry and the entities' features
	// (diffusion.Encoder.PooledTracks): the paper's model.
	DiffusionFeatures = "diffusion"
	// PixelFeatures are pooled raw pixels with the same geometry (PixelDim
	// values) and the same entity features: the "without DTL" ablation of
	// Table IV.
	PixelFeatures = "pixels"
)

// Config sizes the trained parts of a grounding model; it is the
// config.json of a grounder checkpoint.
type Config struct {
	// Frames is T, the frames sampled from a video.
	Frames int `json:"frames"`
	// Features is DiffusionFeatures or PixelFeatures; PooledDim is the
	// width g_phi reads (the encoder's PooledDim, or PixelDim plus the
	// entity features' width).
	Features  string `json:"features"`
	PooledDim int    `json:"pooled_dim"`
	// VisualDim is d_v (z_t), TextDim d_t (e_text), TimeDim d_f (e_time)
	// and TimeHidden the width of the time MLP, LLMDim d_LLM, AuxDim the
	// auxiliary encoder's width C.
	VisualDim  int `json:"visual_dim"`
	TextDim    int `json:"text_dim"`
	TimeDim    int `json:"time_dim"`
	TimeHidden int `json:"time_hidden"`
	LLMDim     int `json:"llm_dim"`
	AuxDim     int `json:"aux_dim"`
	// ObjectTokens is N_obj and TimeTokens N_time (paper Table V); 0
	// leaves them out (the Table IV ablations).
	ObjectTokens int `json:"object_tokens"`
	TimeTokens   int `json:"time_tokens"`
	// ContextRadius and ContextHidden size the fuser's temporal context
	// (fusion.ContextConfig: the local layers read frames t-R..t+R, H
	// wide).
	ContextRadius int `json:"context_radius"`
	ContextHidden int `json:"context_hidden"`
	// TokenScale is the frame tokens' RMS at initialisation, as a multiple
	// of the RMS of the language model's token embeddings (0 reads as 1).
	TokenScale float64 `json:"token_scale,omitempty"`
	// Skip makes the heads read the language model's output plus its input
	// sequence (Base.Hidden), a residual connection around the whole
	// frozen model. Without it (the paper's heads on the output alone) the
	// default model did not even fit its training queries: the frozen
	// layers' output at the frame positions drowns the frame tokens.
	Skip bool `json:"skip,omitempty"`
	// LoRARank and LoRAAlpha size the adapters (the paper's r = 64,
	// alpha = 128 is for a 4096-wide model; the default model is 256 wide
	// and uses r = 16, alpha = 32: the same alpha/r and the same r/d).
	LoRARank  int     `json:"lora_rank"`
	LoRAAlpha float64 `json:"lora_alpha"`
}

// DefaultConfig returns the default model's sizes for the given frozen
// widths.
func DefaultConfig(pooled, text, llm, aux int) Config {
	return Config{
		Frames: 96, Features: DiffusionFeatures, PooledDim: pooled,
		VisualDim: 128, TextDim: text, TimeDim: 32, TimeHidden: 64, LLMDim: llm, AuxDim: aux,
		ObjectTokens: 4, TimeTokens: 8, ContextRadius: 2, ContextHidden: 128, TokenScale: 5, Skip: true, LoRARank: 16, LoRAAlpha: 32,
	}
}

// Budgets returns the token budgets of the mixed-token sequence.
func (c Config) Budgets() fusion.Budgets {
	return fusion.Budgets{Objects: c.ObjectTokens, TimeTokens: c.TimeTokens}
}

// LoRA returns the adapters' configuration: the q, k, v, o and MLP
// projections of every layer.
func (c Config) LoRA() lora.Config {
	l := lora.Default()
	l.Rank, l.Alpha = c.LoRARank, c.LoRAAlpha
	return l
}

// Validate reports the first field out of range.
func (c Config) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{
		{"frames", c.Frames}, {"pooled_dim", c.PooledDim}, {"visual_dim", c.VisualDim},
		{"text_dim", c.TextDim}, {"time_dim", c.TimeDim}, {"time_hidden", c.TimeHidden},
		{"llm_dim", c.LLMDim}, {"aux_dim", c.AuxDim}, {"lora_rank", c.LoRARank}, {"context_hidden", c.ContextHidden},
	} {
		if f.v < 1 {
			return fmt.Errorf("grounder: config %s = %d, want >= 1", f.name, f.v)
		}
	}
	if c.TokenScale < 0 || math.IsNaN(c.TokenScale) {
		return fmt.Errorf("grounder: config token_scale = %v, want >= 0", c.TokenScale)
	}
	if c.ContextRadius < 0 {
		return fmt.Errorf("grounder: config context_radius = %d, want >= 0", c.ContextRadius)
	}
	if c.ObjectTokens < 0 || c.TimeTokens < 0 {
		return fmt.Errorf("grounder: config token budgets %d objects, %d time, want >= 0", c.ObjectTokens, c.TimeTokens)
	}
	if c.Features != DiffusionFeatures && c.Features != PixelFeatures {
		return fmt.Errorf("grounder: config features %q, want %q or %q", c.Features, DiffusionFeatures, PixelFeatures)
	}
	if !(c.LoRAAlpha > 0) {
		return fmt.Errorf("grounder: config lora_alpha %v, want > 0", c.LoRAAlpha)
	}
	return nil
}
