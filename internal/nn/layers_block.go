package nn

import "math/rand/v2"

// BlockConfig sizes a transformer Block.
type BlockConfig struct {
	// Dim is the model width D; Heads and KVHeads the query and key/value
	// heads (KVHeads 0 means Heads); Hidden the gated MLP's width.
	Dim, Heads, KVHeads, Hidden int
	// RopeBase is the rotary base (0: no rotary positions).
	RopeBase float64
	// Eps is the RMSNorm epsilon.
	Eps float32
}

// Block is a pre-norm transformer block of the Llama family (Hugging Face
// LlamaDecoderLayer names):
// h = x + Attn(Norm1(x)); y = h + MLP(Norm2(h)).
type Block struct {
	Norm1 RMSNorm   `st:"input_layernorm"`
	Attn  Attention `st:"self_attn"`
	Norm2 RMSNorm   `st:"post_attention_layernorm"`
	MLP   GatedMLP  `st:"mlp"`
}

// NewBlock returns a Block of the given size without linear biases,
// initialised from rng.
func NewBlock(rng *rand.Rand, c BlockConfig) *Block {
	kv := c.KVHeads
	if kv == 0 {
		kv = c.Heads
	}
	return &Block{
		Norm1: *NewRMSNorm(c.Dim, c.Eps),
		Attn:  *NewAttention(rng, c.Dim, c.Heads, kv, false, c.RopeBase),
		Norm2: *NewRMSNorm(c.Dim, c.Eps),
		MLP:   *NewGatedMLP(rng, c.Dim, c.Hidden),
	}
}

// Forward maps x of shape (L, D) or (B, L, D) to the same shape; positions
// and bias are those of Attention.Forward.
func (b *Block) Forward(e Exec, x V, positions []int, bias V) V {
	h := e.Add(x, b.Attn.Forward(e, b.Norm1.Forward(e, x), positions, bias))
	return e.Add(h, b.MLP.Forward(e, b.Norm2.Forward(e, h)))
}
