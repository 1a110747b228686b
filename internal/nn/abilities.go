package nn

// Optional abilities of an executor. The functions of layers.go compose every
// operation from the primitives of Exec, so any executor runs every network;
// an executor that also implements one of these interfaces gets the fused
// version instead (fewer passes and allocations at inference). A fused
// version must match the composed one within float32 tolerance; the
// conformance suite checks both paths.

// Softmaxer computes softmax along the last axis in one pass.
type Softmaxer interface {
	Softmax(a V) V
}

// LayerNormer normalises over the last axis: (a - mean) / sqrt(var + eps)
// * gamma + beta, with gamma and beta of shape (D); beta may be nil.
type LayerNormer interface {
	LayerNorm(a, gamma, beta V, eps float32) V
}

// RMSNormer normalises over the last axis: a / sqrt(mean(a^2) + eps) * gamma.
type RMSNormer interface {
	RMSNorm(a, gamma V, eps float32) V
}

// Activator computes the element-wise activations GELU (tanh form) and SiLU.
type Activator interface {
	GELU(a V) V
	SiLU(a V) V
}

// Attender computes softmax(q k^T * scale + bias) v for q (B,Lq,dh),
// k and v (B,Lk,dh) and an additive bias (Lq,Lk) or (B,Lq,Lk), or nil.
type Attender interface {
	Attention(q, k, v, bias V, scale float32) V
}
