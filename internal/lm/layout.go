package lm

import (
	"fmt"
	"regexp"
	"strconv"
)

// source is where a tensor of Model lives in a checkpoint file: rows
// [lo, hi) of the stored tensor name, whose whole shape is shape. Only
// Phi-3's fused tensors have a row range smaller than the whole tensor.
type source struct {
	name   string
	lo, hi int
	shape  []int
	fused  bool
}

var (
	phi3Attn = regexp.MustCompile(`^(model\.layers\.\d+\.self_attn\.)([qkv])_proj\.weight$`)
	phi3MLP  = regexp.MustCompile(`^(model\.layers\.\d+\.mlp\.)(gate|up)_proj\.weight$`)
	layerOf  = regexp.MustCompile(`^model\.layers\.(\d+)\.`)
)

// sourceOf returns the stored location of the Model tensor called name with
// the given shape: itself for llama; for phi3, q/k/v_proj are row blocks of
// qkv_proj and gate/up_proj of gate_up_proj (see the package comment).
func sourceOf(c Config, name string, shape []int) source {
	whole := source{name: name, lo: 0, hi: shape[0], shape: shape}
	if c.ModelType != Phi3 {
		return whole
	}
	d, hd := c.HiddenSize, c.HeadDims()
	if m := phi3Attn.FindStringSubmatch(name); m != nil {
		q, kv := c.NumAttentionHeads*hd, c.NumKeyValueHeads*hd
		s := source{name: m[1] + "qkv_proj.weight", shape: []int{q + 2*kv, d}, fused: true}
		switch m[2] {
		case "q":
			s.lo, s.hi = 0, q
		case "k":
			s.lo, s.hi = q, q+kv
		default:
			s.lo, s.hi = q+kv, q+2*kv
		}
		return s
	}
	if m := phi3MLP.FindStringSubmatch(name); m != nil {
		i := c.IntermediateSize
		s := source{name: m[1] + "gate_up_proj.weight", shape: []int{2 * i, d}, fused: true}
		if m[2] == "gate" {
			s.lo, s.hi = 0, i
		} else {
			s.lo, s.hi = i, 2*i
		}
		return s
	}
	return whole
}

// shapeRules names the config fields that give each stored tensor's shape,
// by the last part of its name, for errors.
var shapeRules = []struct {
	re   *regexp.Regexp
	rule string
}{
	{regexp.MustCompile(`embed_tokens\.weight$|^lm_head\.weight$`), "(vocab_size, hidden_size)"},
	{regexp.MustCompile(`norm\.weight$`), "(hidden_size)"},
	{regexp.MustCompile(`q_proj\.weight$`), "(num_attention_heads*head_dim, hidden_size)"},
	{regexp.MustCompile(`[kv]_proj\.weight$`), "(num_key_value_heads*head_dim, hidden_size)"},
	{regexp.MustCompile(`qkv_proj\.weight$`), "((num_attention_heads + 2*num_key_value_heads)*head_dim, hidden_size)"},
	{regexp.MustCompile(`o_proj\.weight$`), "(hidden_size, num_attention_heads*head_dim)"},
	{regexp.MustCompile(`(gate|up)_proj\.weight$`), "(intermediate_size, hidden_size)"},
	{regexp.MustCompile(`gate_up_proj\.weight$`), "(2*intermediate_size, hidden_size)"},
	{regexp.MustCompile(`down_proj\.weight$`), "(hidden_size, intermediate_size)"},
}

// shapeRule describes the expected shape of a stored tensor in terms of
// the config, for errors.
func shapeRule(c Config, name string) string {
	rule := ""
	for _, r := range shapeRules {
		if r.re.MatchString(name) {
			rule = r.rule // the later, more specific rule wins
		}
	}
	return fmt.Sprintf("%s with hidden_size=%d, intermediate_size=%d, num_attention_heads=%d, num_key_value_heads=%d, head_dim=%d, vocab_size=%d",
		rule, c.HiddenSize, c.IntermediateSize, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDims(), c.VocabSize)
}

// layerIndex returns N of a "model.layers.N." name, or -1.
func layerIndex(name string) int {
	m := layerOf.FindStringSubmatch(name)
	if m == nil {
		return -1
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return -1
	}
	return n
}
