package diffusion

import "github.com/videodit/videodit/internal/nn"

// KLLoss returns the KL regulariser of paper Eq. 17-20 as shape (1):
// L_KL = 1/T sum_t KL(p_diff^(t) || p_aux^(t)) with
// p^(t) = softmax over the feature axis of F^(t). fdiff and faux have shape
// (T, C), axes (frame, feature): fdiff is the diffusion encoder's features
// mapped to C (a trained projection of z_t), faux the auxiliary encoder's
// (AuxEncoder.AuxFeatures, a constant). Computed from log-softmaxes, so it
// stays finite for large logits. Gradients reach fdiff (and faux if it is a
// parameter).
func KLLoss(e nn.Exec, fdiff, faux nn.V) nn.V {
	logD := nn.LogSoftmax(e, fdiff, 1)
	logA := nn.LogSoftmax(e, faux, 1)
	kl := e.Sum(e.Mul(e.Exp(logD), e.Sub(logD, logA)), 1) // (T, 1)
	t := kl.Shape()[0]
	return e.Mean(e.Reshape(kl, t), 0)
}
