// Package diffusion is the mask-conditioned video diffusion encoder of the
// paper (sections III-B and III-D, Eq. 7-9 and 17-20), the DiffusionEncoder
// stage of the pipeline.
//
// # Pieces
//
//   - Schedules (Schedule: Linear, alpha = 1 - tau, sigma = tau; Cosine,
//     alpha = cos(pi tau/2), sigma = sin(pi tau/2)), evenly spaced
//     trajectories (Steps) and forward noising q(x_tau | x_0) =
//     N(alpha x_0, sigma^2 I) (AddNoise, Eq. 7).
//   - Temporal noise injection: T frames are cut into K segments of
//     ceil(T/K) frames, the last one shorter when K does not divide T
//     (SegmentLength, Segments); each segment gets its own noise draw,
//     seeded by (seed, segment) only (SegmentNoise), and optionally its
//     own jittered noise level (SegmentLevels).
//   - The Denoiser: a video DiT on internal/nn. Its input is the noisy clip
//     plus the union mask M_t and the masked video x_0 (1 - M_t)
//     (inpainting conditioning), cut into tubelets; the diffusion time and
//     an instruction embedding (InstructionEncoder; BagOfWords by default)
//     drive adaptive layer norm; blocks alternate spatial attention within a
//     frame and temporal attention within a segment and its neighbours, so
//     a pass costs O(T). It predicts the noise (epsilon parameterisation).
//   - Early-step features (Eq. 8-9): Denoiser.Trajectory noises the clip
//     to Options.Start and runs S denoiser steps (DDIM updates) down to
//     tau_0 = 0.1, optionally with classifier-free guidance (Guidance != 1:
//     conditional and unconditional passes mixed), and taps the hidden states
//     of several blocks at tau_0; Config.Pool pools them per frame over all
//     positions and over the positions inside M_t; the Encoder's g_phi
//     projects them to z_t of width d_v.
//   - Mask features beyond the paper (Options.Geometry, Options.Entities):
//     the pooled states say what is inside M_t, not where each entity is,
//     and M_t merges the entities, so a query about one of them ("the cube
//     turns red") or two ("the cube touches the ball") cannot be read from
//     them. Geometry appends the union mask's presence, area, centroid, box
//     and motion; EntityFeatures appends, per entity slot (query order),
//     the same for the entity's own mask plus its mean colour and its
//     changes, border contact, entry and area change, and per pair of slots
//     the boxes' gap, overlap and centroid distance. They are cheap
//     functions of the masks the entity stage already made; g_phi reads them
//     with the pooled states. An encoder that is a TrackEncoder gets the
//     tracks from the pipeline; Encode alone gives zeros in their place.
//   - KL regularisation (Eq. 17-20): AuxEncoder (FrameClassifier by
//     default, a frame encoder trained to recognise the benchmark's colours
//     and shapes) and KLLoss, the mean over frames of
//     KL(softmax(F_diff) || softmax(F_aux)), over nn values for the training
//     recipe.
//
// # Shapes
//
// Frames are (T, H, W, 3) float32 in [0, 1]; masks are T segment.Mask of
// H x W; features are (T, d_v). Inside the denoiser a clip of T frames
// (padded to a multiple of Config.Tubelet by repeating the last frame,
// resized to Config.Height x Config.Width by area averaging) becomes
// Tt = T/Tubelet tubelets of P = Config.Tokens() patches: noise and
// predictions are (Tt, P, F), hidden states (Tt, P, D). Frame t reads
// tubelet t/Tubelet, so the two frames of a tubelet share their
// all-position pooling and differ in their masked pooling.
//
// # Determinism and errors
//
// Every random draw comes from a seed (Options.Seed, the seeds of
// NewDenoiser and NewEncoder): the same inputs give the same features. Bad
// input, such as masks of another size or count than the frames, NaN or
// infinite pixels, a tau outside (0, 1), an unknown schedule or no
// segments, is an error naming it; nothing panics.
//
// The pretrained default denoiser lives in package defaultdenoiser (so only
// its importers pay for the weights); examples/pretrain-denoiser retrains
// it. Package diffusiontest holds the conformance suite and a fake encoder.
package diffusion
