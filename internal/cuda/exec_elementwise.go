package cuda

import "github.com/videodit/videodit/internal/nn"

var binNames = [...]string{binAdd: "Add", binSub: "Sub", binMul: "Mul", binDiv: "Div"}

// Add returns a + b with b broadcast against a (the rule of nn.Exec);
// the result has a's shape.
func (e *Exec) Add(a, b nn.V) nn.V { return e.binary(binAdd, a, b) }

// Sub returns a - b, broadcast like Add.
func (e *Exec) Sub(a, b nn.V) nn.V { return e.binary(binSub, a, b) }

// Mul returns a * b element-wise, broadcast like Add.
func (e *Exec) Mul(a, b nn.V) nn.V { return e.binary(binMul, a, b) }

// Div returns a / b element-wise, broadcast like Add.
func (e *Exec) Div(a, b nn.V) nn.V { return e.binary(binDiv, a, b) }

// binary launches vd_binary with the merged broadcast plan as metadata.
func (e *Exec) binary(op int32, a, b nn.V) nn.V {
	name := binNames[op]
	av, bv := e.arg(name, a), e.arg(name, b)
	if av == nil || bv == nil {
		return e.placeholder(shapeOf(a))
	}
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	plan, ok := planBroadcast(av.shape, bv.shape)
	if !ok {
		e.fail(name, "shape %v does not broadcast against %v", bv.shape, av.shape)
		return e.placeholder(av.shape)
	}
	out := e.alloc(name, av.shape.Clone())
	if out == nil {
		return e.placeholder(av.shape)
	}
	n := av.shape.TotalSize()
	if n == 0 {
		return out
	}
	meta := e.metaInt64(name, plan.meta())
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	e.launch(name, kBinary, flat(n), op, av.ptr, bv.ptr, out.ptr, int64(n), int32(len(plan.dims)), meta)
	return out
}

// Scale returns a * s.
func (e *Exec) Scale(a nn.V, s float32) nn.V { return e.unary("Scale", unScale, a, s) }

// AddScalar returns a + s.
func (e *Exec) AddScalar(a nn.V, s float32) nn.V { return e.unary("AddScalar", unAddScalar, a, s) }

// Exp returns exp(a) element-wise.
func (e *Exec) Exp(a nn.V) nn.V { return e.unary("Exp", unExp, a, 0) }

// Log returns the natural logarithm of a element-wise.
func (e *Exec) Log(a nn.V) nn.V { return e.unary("Log", unLog, a, 0) }

// Sqrt returns the square root of a element-wise.
func (e *Exec) Sqrt(a nn.V) nn.V { return e.unary("Sqrt", unSqrt, a, 0) }

// Square returns a*a element-wise.
func (e *Exec) Square(a nn.V) nn.V { return e.unary("Square", unSquare, a, 0) }

// Tanh returns tanh(a) element-wise.
func (e *Exec) Tanh(a nn.V) nn.V { return e.unary("Tanh", unTanh, a, 0) }

// Sigmoid returns 1/(1+exp(-a)) element-wise.
func (e *Exec) Sigmoid(a nn.V) nn.V { return e.unary("Sigmoid", unSigmoid, a, 0) }

// GELU returns the tanh form of GELU of a, x*sigmoid(2u) with
// u = sqrt(2/pi)(x + 0.044715x^3), in one pass (nn.Activator).
func (e *Exec) GELU(a nn.V) nn.V { return e.unary("GELU", unGELU, a, 0) }

// SiLU returns a*sigmoid(a) in one pass (nn.Activator).
func (e *Exec) SiLU(a nn.V) nn.V { return e.unary("SiLU", unSiLU, a, 0) }

// unary launches vd_unary.
func (e *Exec) unary(name string, op int32, a nn.V, s float32) nn.V {
	av := e.arg(name, a)
	if av == nil {
		return e.placeholder(shapeOf(a))
	}
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	out := e.alloc(name, av.shape.Clone())
	if out == nil {
		return e.placeholder(av.shape)
	}
	if n := av.shape.TotalSize(); n > 0 {
		e.launch(name, kUnary, flat(n), op, av.ptr, out.ptr, int64(n), s)
	}
	return out
}
