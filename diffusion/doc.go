// Package diffusion is the mask-conditioned video diffusion encoder of the
// paper (sections III-B and III-D, Eq. 7-9 and 17-20): noise schedules,
// forward noising, temporal noise injection per segment, the denoiser, the
// early-step feature trajectory ending at tau_0, per-frame pooling, the
// projection g_phi to z_t and the KL regulariser against an auxiliary encoder.
package diffusion
