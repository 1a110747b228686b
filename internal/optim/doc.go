// Package optim holds the training optimiser: AdamW with decoupled weight
// decay, the cosine learning-rate schedule with linear warm-up, global-norm
// gradient clipping and seeded initialisation.
package optim
