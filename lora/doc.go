// Package lora implements low-rank adapters (paper Eq. 14):
// W = W0 + (alpha/r) A B on the linear layers of a frozen network, with B
// initialised to zero, merge and unmerge, and adapters saved and loaded on
// their own.
//
// Attach wraps every nn.Linear whose checkpoint name (its st tags, as
// checkpoint.Walk joins them, without ".weight") matches one of the
// Config's regular expressions; Projections gives the patterns of the
// Llama projections q, k, v, o, gate, up and down, and Default is the
// paper's r = 64, alpha = 128 on all seven. Tensors use the Hugging Face /
// PEFT layout: W0 (out, in), A (r, in) Kaiming-uniform, B (out, r) zero,
// and the linear computes x W0^T + (alpha/r) (x A^T) B^T; Adapter documents
// how this maps onto the paper's notation.
//
// Training: freeze the base model's tensors on the graph executor
// ((*nn.Graph).Freeze) and the adapters' A and B (Set.Params) are the only
// tensors of the base that receive gradients. Merge folds the adapters into
// the weights for inference and Unmerge takes them out again; Detach
// restores the base model.
//
// Set.Save writes adapter_model.safetensors (NAME.lora_A.weight,
// NAME.lora_B.weight) and adapter_config.json (r, lora_alpha,
// target_modules, the adapted names and base_model_sha256, the Identity of
// the base model: a SHA-256 over its tensors' names, shapes and values).
// Load refuses adapters whose recorded base differs from the model given.
package lora
