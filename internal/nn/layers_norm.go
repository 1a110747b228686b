package nn

import "gorgonia.org/tensor"

// LayerNorm normalises over the last axis:
// (x - mean) / sqrt(var + Eps) * W + B, with the biased variance (as
// PyTorch's nn.LayerNorm).
type LayerNorm struct {
	// W (gamma) has shape (D).
	W *tensor.Dense `st:"weight"`
	// B (beta) has shape (D); nil for no shift.
	B *tensor.Dense `st:"bias,optional"`
	// Eps is added to the variance (PyTorch's default is 1e-5).
	Eps float32
}

// NewLayerNorm returns a LayerNorm over d features with W = 1, B = 0.
func NewLayerNorm(d int, eps float32) *LayerNorm {
	return &LayerNorm{W: filledDense(1, d), B: filledDense(0, d), Eps: eps}
}

// Forward normalises x of shape (..., D); the result has x's shape.
func (l *LayerNorm) Forward(e Exec, x V) V {
	var beta V
	if l.B != nil {
		beta = e.Param(l.B)
	}
	return LayerNormOf(e, x, e.Param(l.W), beta, l.Eps)
}

// LayerNormOf normalises x of shape (..., D) over its last axis:
// (x - mean) / sqrt(var + eps) * gamma + beta, gamma and beta of shape (D).
// gamma nil means no scale and beta nil no shift (the elementwise_affine=False
// LayerNorm of DiT's adaptive blocks). It uses the executor's LayerNormer when
// it has one; the composed form uses Sqrt then Div (never a reciprocal square
// root), so its gradient is exact under autodiff.
func LayerNormOf(e Exec, x, gamma, beta V, eps float32) V {
	if f, ok := e.(LayerNormer); ok {
		if gamma == nil {
			gamma = e.Const(filledDense(1, lastDim(x)))
		}
		return f.LayerNorm(x, gamma, beta, eps)
	}
	ax := lastAxis(x)
	xc := e.Sub(x, e.Mean(x, ax))
	variance := e.Mean(e.Square(xc), ax)
	y := e.Div(xc, e.Sqrt(e.AddScalar(variance, eps)))
	if gamma != nil {
		y = e.Mul(y, gamma)
	}
	if beta != nil {
		y = e.Add(y, beta)
	}
	return y
}

// RMSNorm normalises over the last axis: x / sqrt(mean(x^2) + Eps) * W
// (Llama's RMSNorm).
type RMSNorm struct {
	// W has shape (D).
	W *tensor.Dense `st:"weight"`
	// Eps is added to the mean square (Llama uses 1e-5 or 1e-6).
	Eps float32
}

// NewRMSNorm returns an RMSNorm over d features with W = 1.
func NewRMSNorm(d int, eps float32) *RMSNorm {
	return &RMSNorm{W: filledDense(1, d), Eps: eps}
}

// Forward normalises x of shape (..., D); the result has x's shape. It uses
// the executor's RMSNormer when it has one.
func (l *RMSNorm) Forward(e Exec, x V) V {
	gamma := e.Param(l.W)
	if f, ok := e.(RMSNormer); ok {
		return f.RMSNorm(x, gamma, l.Eps)
	}
	ms := e.Mean(e.Square(x), lastAxis(x))
	return e.Mul(e.Div(x, e.Sqrt(e.AddScalar(ms, l.Eps))), gamma)
}
