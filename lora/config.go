package lora

import (
	"errors"
	"fmt"
	"math"
	"regexp"
)

// Errors of this package, wrapped with the target or file they concern.
var (
	ErrConfig = errors.New("invalid LoRA config")
	ErrTarget = errors.New("unusable LoRA target")
	ErrBase   = errors.New("adapters belong to another base model")
	ErrMerged = errors.New("adapters in the wrong merge state")
	ErrFile   = errors.New("adapter file does not match the model")
)

// Config chooses the adapted linears and the size of their adapters.
type Config struct {
	// Rank is r, the inner dimension of A and B (paper: 64).
	Rank int
	// Alpha scales the update by Alpha/Rank (paper: 128).
	Alpha float64
	// Targets are regular expressions (Go syntax) matched against the
	// checkpoint name of every nn.Linear of the model (its st name without
	// ".weight", as checkpoint.Walk names it, for example
	// "model.layers.3.self_attn.q_proj"); a linear matching any of them is
	// adapted. Projections builds them for the Llama projections.
	Targets []string
}

// Default returns the paper's setting: r = 64, alpha = 128, on the q, k, v,
// o attention projections and the gate, up, down MLP projections.
func Default() Config {
	t, _ := Projections("q", "k", "v", "o", "gate", "up", "down") // known names
	return Config{Rank: 64, Alpha: 128, Targets: t}
}

// projections maps the short names of Projections to their patterns.
var projections = map[string]string{
	"q": `self_attn\.q_proj$`, "k": `self_attn\.k_proj$`, "v": `self_attn\.v_proj$`, "o": `self_attn\.o_proj$`,
	"gate": `mlp\.gate_proj$`, "up": `mlp\.up_proj$`, "down": `mlp\.down_proj$`,
}

// Projections returns the target patterns of the named projections of a
// Llama-family model (Hugging Face names): q, k, v, o
// (self_attn.{q,k,v,o}_proj) and gate, up, down (mlp.{gate,up,down}_proj).
// An unknown name is an error wrapping ErrConfig.
func Projections(names ...string) ([]string, error) {
	out := make([]string, 0, len(names))
	for _, n := range names {
		p, ok := projections[n]
		if !ok {
			return nil, fmt.Errorf("%w: unknown projection %q (want q, k, v, o, gate, up or down)", ErrConfig, n)
		}
		out = append(out, p)
	}
	return out, nil
}

// Scale returns Alpha/Rank, the factor of the low-rank update.
func (c Config) Scale() float64 { return c.Alpha / float64(c.Rank) }

// compile validates c and compiles its targets. Errors wrap ErrConfig.
func (c Config) compile() ([]*regexp.Regexp, error) {
	switch {
	case c.Rank <= 0:
		return nil, fmt.Errorf("%w: rank %d must be positive", ErrConfig, c.Rank)
	case !(c.Alpha > 0) || math.IsInf(c.Alpha, 0):
		return nil, fmt.Errorf("%w: alpha %v must be positive and finite", ErrConfig, c.Alpha)
	case len(c.Targets) == 0:
		return nil, fmt.Errorf("%w: no targets", ErrConfig)
	}
	res := make([]*regexp.Regexp, len(c.Targets))
	for i, t := range c.Targets {
		re, err := regexp.Compile(t)
		if err != nil {
			return nil, fmt.Errorf("%w: target %q: %w", ErrConfig, t, err)
		}
		res[i] = re
	}
	return res, nil
}
