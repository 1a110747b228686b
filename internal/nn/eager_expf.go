package nn

import "math"

// Float32 exponential and the functions built on it, in pure Go. They avoid
// the float64 round trip of package math and are accurate to about 2 ulp
// (relative error under 3e-7), which the eager kernels (softmax, sigmoid,
// tanh, GELU, SiLU) rely on.

const (
	eagerLog2e = 1.44269504088896341
	// ln 2 split in a part exact in float32 and the remainder (Cephes).
	eagerLn2Hi = 0.693359375
	eagerLn2Lo = -2.12194440e-4
	// Beyond these bounds exp overflows to +Inf or underflows to 0.
	eagerExpMax = 88.72283905206835
	eagerExpMin = -103.97207708
)

// eagerExpf returns e**x in float32: x = n ln2 + r with |r| <= ln2/2, e**r
// by a degree-6 polynomial (Cephes expf), then scaled by 2**n through the
// exponent bits.
func eagerExpf(x float32) float32 {
	switch {
	case x != x:
		return x
	case x > eagerExpMax:
		return float32(math.Inf(1))
	case x < eagerExpMin:
		return 0
	}
	t := x*eagerLog2e + 0.5
	n := int32(t)
	if float32(n) > t { // floor for negative t
		n--
	}
	fn := float32(n)
	r := x - fn*eagerLn2Hi - fn*eagerLn2Lo
	r2 := r * r
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	p = p*r2 + r + 1
	switch {
	case n > 127: // x in (88.03, 88.72]: 2**128 is not a float32
		return p * math.Float32frombits(uint32(n-1+127)<<23) * 2
	case n < -126: // subnormal result: scale in two steps
		return p * math.Float32frombits(uint32(n+126+127)<<23) * math.Float32frombits(1<<23)
	}
	return p * math.Float32frombits(uint32(n+127)<<23)
}

// eagerSigmoidf returns 1 / (1 + e**-x), as e**x / (1 + e**x) for
// negative x so that no exponential overflows.
func eagerSigmoidf(x float32) float32 {
	if x >= 0 {
		return 1 / (1 + eagerExpf(-x))
	}
	z := eagerExpf(x)
	return z / (1 + z)
}

// eagerTanhf returns tanh x: an odd polynomial near 0 (Cephes tanhf), where
// 1 - 2/(e**2x + 1) would cancel, and that formula elsewhere.
func eagerTanhf(x float32) float32 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	if ax < 0.625 {
		z := x * x
		return ((((-5.70498872745e-3*z+2.06390887954e-2)*z-5.37397155531e-2)*z+1.33314422036e-1)*z-3.33332819422e-1)*z*x + x
	}
	if ax != ax {
		return x
	}
	t := 1 - 2/(eagerExpf(2*ax)+1)
	if x < 0 {
		return -t
	}
	return t
}

// eagerGELUf returns the tanh form of GELU,
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x**3))), computed as
// x sigmoid(2u) (the same function, one exponential, no cancellation).
func eagerGELUf(x float32) float32 {
	const c = 0.7978845608028654 // sqrt(2/pi)
	return x * eagerSigmoidf(2*c*(x+0.044715*x*x*x))
}

// eagerSiLUf returns x sigmoid(x).
func eagerSiLUf(x float32) float32 {
	return x * eagerSigmoidf(x)
}
