package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
)

// TestCheckpointNames checks that the st tags of the layers give Hugging
// Face's tensor names (a LlamaDecoderLayer for Block) through the
// checkpoint package's naming rules.
func TestCheckpointNames(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	tests := []struct {
		name  string
		model any
		want  []string
	}{
		{"Block", nn.NewBlock(rng, nn.BlockConfig{Dim: 8, Heads: 2, KVHeads: 1, Hidden: 4, RopeBase: 10000, Eps: 1e-6}), []string{
			"input_layernorm.weight",
			"self_attn.q_proj.weight", "self_attn.q_proj.bias",
			"self_attn.k_proj.weight", "self_attn.k_proj.bias",
			"self_attn.v_proj.weight", "self_attn.v_proj.bias",
			"self_attn.o_proj.weight", "self_attn.o_proj.bias",
			"post_attention_layernorm.weight",
			"mlp.gate_proj.weight", "mlp.gate_proj.bias",
			"mlp.up_proj.weight", "mlp.up_proj.bias",
			"mlp.down_proj.weight", "mlp.down_proj.bias",
		}},
		{"LayerNorm", nn.NewLayerNorm(4, 1e-5), []string{"weight", "bias"}},
		{"AdaLN", nn.NewAdaLN(3, 4, 6), []string{"linear.weight", "linear.bias"}},
		{"PatchEmbed", nn.NewPatchEmbed(rng, 1, 2, 2, 3, 4), []string{"proj.weight", "proj.bias"}},
		{"Embedding", nn.NewEmbedding(rng, 5, 4), []string{"weight"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			err := checkpoint.Walk(tc.model, func(name string, _ **tensor.Dense) error {
				got = append(got, name)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}
