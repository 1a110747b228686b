// Package lm is the decoder-only language model of videodit (paper III-C): a
// transformer of the Llama / Phi-3 family (RMSNorm, rotary positions in the
// rotate-half form, grouped-query attention, SwiGLU MLP) that reads a mixed
// token sequence as input embeddings (L, D) and returns its hidden states
// (L, D) after the final norm, or logits (L, vocab) through lm_head.
//
// The network is written once on nn.Exec, so it runs on the eager executor
// (inference) and on the graph executor (training through a frozen
// backbone: pass Model.Params to (*nn.Graph).Freeze; gradients still flow to
// the input embeddings and to LoRA adapters attached to its linears).
//
// Checkpoints are Hugging Face directories: config.json (model_type "llama"
// or "phi3", see Config) and one model.safetensors with Hugging Face tensor
// names (F32, F16 or BF16). Phi-3's fused tensors are split on Load and
// joined again on Save:
//
//	model.layers.N.self_attn.qkv_proj.weight (H*hd + 2*KV*hd, D):
//	    rows [0, H*hd) are q_proj, the next KV*hd rows k_proj, the last
//	    KV*hd rows v_proj (transformers' Phi3Attention slices its output so);
//	model.layers.N.mlp.gate_up_proj.weight (2*I, D):
//	    rows [0, I) are gate_proj, rows [I, 2I) up_proj
//	    (Phi3MLP: gate, up = gate_up_proj(x).chunk(2, dim=-1)).
//
// Load checks the file against the config: a missing tensor, a tensor whose
// shape disagrees with the config (naming the config fields involved), a
// tensor the config does not explain (for example a layer beyond
// num_hidden_layers) and a tied lm_head that differs from the embedding are
// errors naming the tensor. Sharded checkpoints (model-0000N-of-0000M) are
// not read.
//
// The forward pass matches a float64 PyTorch reference of transformers'
// LlamaModel / Phi3Model math under 1e-4 relative error (testdata holds the
// fixtures and the script that wrote them).
package lm
