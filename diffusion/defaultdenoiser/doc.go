// Package defaultdenoiser embeds the pretrained default denoiser of package
// diffusion (diffusion.DefaultConfig: 64x64 frames, 8x8x2 tubelets, width
// 96, 4 blocks, about 0.85M parameters, 3.3 MB of float32 weights) and the
// default auxiliary encoder of the KL regulariser (a
// diffusion.FrameClassifier of the synthetic benchmark's 10 colours and 8
// shapes). Importing it costs the binary those weights; nothing else in the
// module imports it.
//
// Both were trained by examples/pretrain-denoiser on clips of the synthetic
// benchmark (internal/synth); weights/TRAINING.md records the commands, the
// loss curve and the held-out evidence. The projection g_phi of an Encoder
// is not part of the checkpoint: it is learned downstream with the
// denoiser frozen.
package defaultdenoiser
