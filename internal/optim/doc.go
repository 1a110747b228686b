// Package optim holds the training optimiser: AdamW with decoupled weight
// decay, the cosine learning-rate schedule with linear warm-up, global-norm
// gradient clipping and seeded initialisation.
//
// Parameters reach the optimiser as Param values: a name (the checkpoint
// name, e.g. from checkpoint.Walk) and flat float32 value and gradient
// slices, usually the backing arrays of *tensor.Dense fields, updated in
// place. One training step is
//
//	lr := optim.Cosine(step, total, warmup, peak, floor)
//	optim.ClipGlobalNorm(params, maxNorm)
//	err := opt.Step(lr, params)
//
// AdamW.Step, ClipGlobalNorm and Cosine reproduce torch.optim.AdamW,
// torch.nn.utils.clip_grad_norm_ and the Hugging Face warm-up cosine
// schedule: testdata/gen_adamw.py records a 50-step PyTorch 1.13 run that
// the tests replay (AdamW matches bit for bit given PyTorch's clipped
// gradients; the whole loop within 1e-5 relative). Optimiser state saves to
// and loads from a safetensors file for resumable training.
//
// The initialisers (Normal, Uniform, XavierUniform, KaimingUniform, Linear,
// Zeros) draw from a caller-owned math/rand/v2 *rand.Rand: the same seed
// gives the same weights.
package optim
