package lm

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const llamaJSON = `{
  "architectures": ["LlamaForCausalLM"],
  "model_type": "llama",
  "hidden_size": 32,
  "intermediate_size": 64,
  "num_hidden_layers": 2,
  "num_attention_heads": 4,
  "vocab_size": 50,
  "bos_token_id": 1,
  "torch_dtype": "bfloat16"
}`

func TestParseConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		json string
		want Config
	}{
		{"llama defaults", llamaJSON, Config{
			ModelType: Llama, HiddenSize: 32, IntermediateSize: 64, NumHiddenLayers: 2,
			NumAttentionHeads: 4, NumKeyValueHeads: 4, RMSNormEps: 1e-6, RopeTheta: 10000,
			VocabSize: 50, MaxPositionEmbeddings: 2048, HiddenAct: "silu", InitializerRange: 0.02,
		}},
		{"phi3 defaults, null sliding window and rope_scaling, head_dim ignored", `{"model_type": "phi3", "hidden_size": 32,
		  "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2,
		  "vocab_size": 10, "sliding_window": null, "rope_scaling": null, "head_dim": 6, "tie_word_embeddings": true}`, Config{
			ModelType: Phi3, HiddenSize: 32, IntermediateSize: 64, NumHiddenLayers: 1,
			NumAttentionHeads: 4, NumKeyValueHeads: 2, RMSNormEps: 1e-5, RopeTheta: 10000,
			VocabSize: 10, MaxPositionEmbeddings: 4096, HiddenAct: "silu", InitializerRange: 0.02,
			TieWordEmbeddings: true,
		}},
		{"llama explicit fields; sliding_window ignored", `{"model_type": "llama", "hidden_size": 32,
		  "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 1,
		  "head_dim": 16, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "vocab_size": 10,
		  "max_position_embeddings": 64, "sliding_window": 7, "hidden_act": "silu",
		  "attention_bias": false, "mlp_bias": false, "partial_rotary_factor": 1.0}`, Config{
			ModelType: Llama, HiddenSize: 32, IntermediateSize: 64, NumHiddenLayers: 1,
			NumAttentionHeads: 4, NumKeyValueHeads: 1, HeadDim: 16, RMSNormEps: 1e-5, RopeTheta: 500000,
			VocabSize: 10, MaxPositionEmbeddings: 64, HiddenAct: "silu", InitializerRange: 0.02,
		}},
		{"phi3 sliding window", `{"model_type": "phi3", "hidden_size": 8, "intermediate_size": 8,
		  "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 3, "sliding_window": 2047}`, Config{
			ModelType: Phi3, HiddenSize: 8, IntermediateSize: 8, NumHiddenLayers: 1,
			NumAttentionHeads: 2, NumKeyValueHeads: 2, RMSNormEps: 1e-5, RopeTheta: 10000,
			VocabSize: 3, MaxPositionEmbeddings: 4096, HiddenAct: "silu", InitializerRange: 0.02,
			SlidingWindow: 2047,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

// withField returns llamaJSON with one more (or a replaced) field.
func withField(field string) string {
	return strings.Replace(llamaJSON, "{", "{"+field+",", 1)
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"not json", `{`, "unexpected end"},
		{"missing hidden_size", `{"model_type": "llama", "intermediate_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1, "vocab_size": 2}`, "field hidden_size is missing"},
		{"missing model_type", `{"hidden_size": 4, "intermediate_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1, "vocab_size": 2}`, "field model_type is missing"},
		{"unknown model type", strings.Replace(llamaJSON, `"llama"`, `"mistral"`, 1), `model_type "mistral" is not supported`},
		{"rope scaling", withField(`"rope_scaling": {"type": "linear", "factor": 2.0}`), `rope_scaling {"type": "linear", "factor": 2.0} is not supported`},
		{"phi3 longrope", withField(`"rope_scaling": {"type": "longrope"}`), "rope_scaling"},
		{"attention bias", withField(`"attention_bias": true`), "attention_bias true"},
		{"mlp bias", withField(`"mlp_bias": true`), "mlp_bias true"},
		{"partial rotary", withField(`"partial_rotary_factor": 0.5`), "partial_rotary_factor 0.5"},
		{"activation", withField(`"hidden_act": "gelu"`), `hidden_act "gelu"`},
		{"kv heads do not divide heads", withField(`"num_key_value_heads": 3`), "num_key_value_heads 3 does not divide num_attention_heads 4"},
		{"heads do not divide hidden", strings.Replace(llamaJSON, `"num_attention_heads": 4`, `"num_attention_heads": 5`, 1), "num_attention_heads 5 does not divide hidden_size 32"},
		{"odd head dim", withField(`"head_dim": 7`), "head dimension 7"},
		{"negative head dim", withField(`"head_dim": -2`), "head_dim -2"},
		{"zero layers", strings.Replace(llamaJSON, `"num_hidden_layers": 2`, `"num_hidden_layers": 0`, 1), "num_hidden_layers 0"},
		{"zero vocab", strings.Replace(llamaJSON, `"vocab_size": 50`, `"vocab_size": 0`, 1), "vocab_size 0"},
		{"negative eps", withField(`"rms_norm_eps": -1`), "rms_norm_eps -1"},
		{"zero rope theta", withField(`"rope_theta": 0`), "rope_theta 0"},
		{"zero positions", withField(`"max_position_embeddings": 0`), "max_position_embeddings 0"},
		{"wrong type", withField(`"hidden_size": "big"`), "hidden_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.json))
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
}

// FuzzParseConfig checks that any input either parses into a valid config
// or fails with ErrConfig, without panicking.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(llamaJSON))
	f.Add([]byte(withField(`"num_key_value_heads": 2`)))
	f.Add([]byte(`{"model_type": "phi3", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 3, "sliding_window": null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not wrap ErrConfig", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseConfig returned an invalid config: %v", err)
		}
	})
}
