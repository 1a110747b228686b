package nn

import "math"

// GELU returns the tanh form of GELU element-wise:
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (PyTorch's
// gelu(approximate="tanh")). x has any shape. It uses the executor's
// Activator when it has one.
func GELU(e Exec, x V) V {
	if f, ok := e.(Activator); ok {
		return f.GELU(x)
	}
	cube := e.Mul(e.Square(x), x)
	inner := e.Scale(e.Add(x, e.Scale(cube, 0.044715)), float32(math.Sqrt(2/math.Pi)))
	return e.Mul(e.Scale(x, 0.5), e.AddScalar(e.Tanh(inner), 1))
}

// SiLU returns x * sigmoid(x) element-wise (also called swish). x has any
// shape. It uses the executor's Activator when it has one.
func SiLU(e Exec, x V) V {
	if f, ok := e.(Activator); ok {
		return f.SiLU(x)
	}
	return e.Mul(x, e.Sigmoid(x))
}

// Softmax returns exp(x) / sum(exp(x)) along axis (0 <= axis < rank; the
// result has x's shape), computed stably by first subtracting the maximum
// along the axis. It uses the executor's Softmaxer when axis is the last one.
func Softmax(e Exec, x V, axis int) V {
	if f, ok := e.(Softmaxer); ok && axis == lastAxis(x) {
		return f.Softmax(x)
	}
	z := e.Exp(e.Sub(x, e.Max(x, axis)))
	return e.Div(z, e.Sum(z, axis))
}

// LogSoftmax returns x - log(sum(exp(x))) along axis (0 <= axis < rank; the
// result has x's shape), computed stably by first subtracting the maximum.
func LogSoftmax(e Exec, x V, axis int) V {
	z := e.Sub(x, e.Max(x, axis))
	return e.Sub(z, e.Log(e.Sum(e.Exp(z), axis)))
}
