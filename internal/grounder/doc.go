// Package grounder is the trained part of the SDK's grounding model and its
// training recipe (paper sections III-C, III-D and IV-A at the scale of a
// 2-core CPU).
//
// A grounding model is the frozen stages (the entity segmenter, the
// pretrained denoiser, the text encoder, the auxiliary encoder and the
// language model) and the trained parts held by Model: g_phi (Eq. 9), the
// learned time MLP (Eq. 12), the fusion projection (Eq. 13), LoRA adapters
// on the language model (Eq. 14), the start/end span heads (Eq. 15), a
// choice head for grounded QA and the projection of the KL regulariser
// (Eq. 17-20).
//
// Two departures from the paper, each measured on the benchmark (see
// grounding/defaultmodel/weights/TRAINING.md): the fusion is
// fusion.ContextFuser, Eq. 13 with temporal context before the projection,
// and the heads read the language model's output plus its input
// (Config.Skip), because through the frozen model alone the span loss
// stayed at the uniform distribution's even on the training queries. g_phi
// reads the pooled features standardised column by column (Model.Mean,
// Model.Std, set from the training samples).
//
// Model.Forward is the one definition of the trained network, written on
// nn.Exec: the graph executor trains it, the eager executor evaluates it,
// and the public grounding.Pipeline runs the same computation through its
// stage interfaces (the default model package checks that both agree).
//
// Training reads Samples: what the frozen stages make of one (video, query)
// pair, computed once by Frozen.Extract and cached on disk (Cache) under a
// key of the video's bytes, the query and the frozen stages' configuration.
package grounder
