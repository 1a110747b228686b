package nn

import "math"

// eagerBinOp names a broadcasting binary operation.
type eagerBinOp int

const (
	eagerAdd eagerBinOp = iota
	eagerSub
	eagerMul
	eagerDiv
)

// String returns the operation's Exec method name.
func (op eagerBinOp) String() string {
	return [...]string{"Add", "Sub", "Mul", "Div"}[op]
}

// Add returns a + b with the broadcasting rule of Exec: the result has a's
// shape.
func (e *Eager) Add(a, b V) V { return e.binary(eagerAdd, a, b) }

// Sub returns a - b, broadcast like Add.
func (e *Eager) Sub(a, b V) V { return e.binary(eagerSub, a, b) }

// Mul returns a * b element-wise, broadcast like Add.
func (e *Eager) Mul(a, b V) V { return e.binary(eagerMul, a, b) }

// Div returns a / b element-wise, broadcast like Add.
func (e *Eager) Div(a, b V) V { return e.binary(eagerDiv, a, b) }

func (e *Eager) binary(op eagerBinOp, a, b V) V {
	name := op.String()
	av, bv := e.arg(name, a), e.arg(name, b)
	if av == nil || bv == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	dims, bStride, err := BroadcastPlan(av.shape, bv.shape)
	if err != nil {
		e.failErr(name, err)
		return e.placeholder(av.shape)
	}
	out := e.alloc(av.shape)
	if len(out.data) == 0 {
		return out
	}
	dst, x, y := out.data, av.data, bv.data
	r := len(dims)
	inner := dims[r-1]
	innerFull := bStride[r-1] != 0
	if r == 1 {
		e.parallel(inner, eagerGrain, func(lo, hi int) {
			if innerFull {
				eagerBinVec(op, dst[lo:hi], x[lo:hi], y[lo:hi])
			} else {
				eagerBinScalar(op, dst[lo:hi], x[lo:hi], y[0])
			}
		})
		return out
	}
	outerDims, outerStride := dims[:r-1], bStride[:r-1]
	outer := 1
	for _, d := range outerDims {
		outer *= d
	}
	e.parallel(outer, eagerRowGrain(inner), func(lo, hi int) {
		// Odometer over the outer dimensions, starting at lo.
		digits := make([]int, len(outerDims))
		boff := 0
		rem := lo
		for i := len(outerDims) - 1; i >= 0; i-- {
			digits[i] = rem % outerDims[i]
			rem /= outerDims[i]
			boff += digits[i] * outerStride[i]
		}
		for o := lo; o < hi; o++ {
			aoff := o * inner
			if innerFull {
				eagerBinVec(op, dst[aoff:aoff+inner], x[aoff:aoff+inner], y[boff:boff+inner])
			} else {
				eagerBinScalar(op, dst[aoff:aoff+inner], x[aoff:aoff+inner], y[boff])
			}
			for i := len(digits) - 1; i >= 0; i-- {
				digits[i]++
				boff += outerStride[i]
				if digits[i] < outerDims[i] {
					break
				}
				boff -= digits[i] * outerStride[i]
				digits[i] = 0
			}
		}
	})
	return out
}

// eagerBinVec sets dst[i] = a[i] op b[i].
func eagerBinVec(op eagerBinOp, dst, a, b []float32) {
	b, dst = b[:len(a)], dst[:len(a)]
	switch op {
	case eagerAdd:
		for i, x := range a {
			dst[i] = x + b[i]
		}
	case eagerSub:
		for i, x := range a {
			dst[i] = x - b[i]
		}
	case eagerMul:
		for i, x := range a {
			dst[i] = x * b[i]
		}
	case eagerDiv:
		for i, x := range a {
			dst[i] = x / b[i]
		}
	}
}

// eagerBinScalar sets dst[i] = a[i] op s.
func eagerBinScalar(op eagerBinOp, dst, a []float32, s float32) {
	dst = dst[:len(a)]
	switch op {
	case eagerAdd:
		for i, x := range a {
			dst[i] = x + s
		}
	case eagerSub:
		for i, x := range a {
			dst[i] = x - s
		}
	case eagerMul:
		for i, x := range a {
			dst[i] = x * s
		}
	case eagerDiv:
		for i, x := range a {
			dst[i] = x / s
		}
	}
}

// Scale returns a * s (any shape, kept).
func (e *Eager) Scale(a V, s float32) V {
	return e.unary("Scale", a, func(dst, src []float32) { eagerBinScalar(eagerMul, dst, src, s) })
}

// AddScalar returns a + s (any shape, kept).
func (e *Eager) AddScalar(a V, s float32) V {
	return e.unary("AddScalar", a, func(dst, src []float32) { eagerBinScalar(eagerAdd, dst, src, s) })
}

// Exp returns e**a element-wise (any shape, kept).
func (e *Eager) Exp(a V) V {
	return e.unary("Exp", a, func(dst, src []float32) { eagerExpSlice(e.avx2, dst, src) })
}

// Log returns the natural logarithm element-wise (any shape, kept; NaN
// below 0, -Inf at 0).
func (e *Eager) Log(a V) V {
	return e.unary("Log", a, func(dst, src []float32) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = float32(math.Log(float64(x)))
		}
	})
}

// Sqrt returns the square root element-wise (any shape, kept; NaN below
// 0).
func (e *Eager) Sqrt(a V) V {
	return e.unary("Sqrt", a, func(dst, src []float32) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = float32(math.Sqrt(float64(x)))
		}
	})
}

// Square returns a * a element-wise (any shape, kept).
func (e *Eager) Square(a V) V {
	return e.unary("Square", a, func(dst, src []float32) {
		dst = dst[:len(src)]
		for i, x := range src {
			dst[i] = x * x
		}
	})
}

// Tanh returns tanh a element-wise (any shape, kept).
func (e *Eager) Tanh(a V) V {
	return e.unary("Tanh", a, func(dst, src []float32) { eagerTanhSlice(e.avx2, dst, src) })
}

// Sigmoid returns 1 / (1 + e**-a) element-wise (any shape, kept).
func (e *Eager) Sigmoid(a V) V {
	return e.unary("Sigmoid", a, func(dst, src []float32) { eagerSigmoidSlice(e.avx2, dst, src) })
}

// unary applies an element-wise kernel to a, split over goroutines for large
// inputs. The result has a's shape.
func (e *Eager) unary(op string, a V, kernel func(dst, src []float32)) V {
	av := e.arg(op, a)
	if av == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	out := e.alloc(av.shape)
	e.parallel(len(out.data), eagerGrain, func(lo, hi int) {
		kernel(out.data[lo:hi], av.data[lo:hi])
	})
	return out
}
