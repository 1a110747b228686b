// Package defaultmodel holds the SDK's default grounding model: the trained
// parts of internal/grounder (g_phi, the time MLP, the fusion projection,
// the LoRA adapters of the language model, the span and choice heads),
// compiled in (go:embed) on top of the default frozen stages (segment with
// segment/learneddet, the pretrained denoiser of diffusion/defaultdenoiser,
// fusion/defaulttext, internal/lm/defaultlm). Only programs that import this
// package pay for the weights.
//
//	p, err := defaultmodel.Load(ctx, grounding.Options{})
//	v, err := grounding.LoadVideoFile(ctx, "clip.mp4", grounding.VideoOptions{})
//	res, err := p.Ground(ctx, v, "when does the red circle touch the blue square?")
//
// The weights were trained on the project's synthetic benchmark
// (internal/synth: coloured shapes that move, stop, touch, leave and come
// back) by examples/train-grounder; weights/TRAINING.md records the
// commands and the measured results. The model knows that world only: on
// other videos its spans mean little.
package defaultmodel
