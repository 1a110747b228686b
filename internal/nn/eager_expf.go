package nn

import "math"

// The float32 exponential in pure Go: it avoids the float64 round trip of
// package math and is accurate to about 2 ulp (relative error under 3e-7).
// With the functions built on it (sigmoid, tanh, GELU, SiLU) it is the
// fallback of the AVX2 kernels (eager_exp_amd64.s), which run the same
// methods eight lanes at a time, for the tails of slices and for CPUs and
// builds without AVX2.

const (
	eagerLog2e = 1.44269504088896341
	// ln 2 split in a part exact in float32 and the remainder (Cephes).
	eagerLn2Hi = 0.693359375
	eagerLn2Lo = -2.12194440e-4
	// Beyond these bounds exp overflows to +Inf or underflows to 0.
	eagerExpMax = 88.72283905206835
	eagerExpMin = -103.97207708
)

// eagerExpf returns e**x in float32: x = n ln2 + r with |r| <= ln2/2,
// e**r = 1 + r + r**2 p(r) with p of degree 5 (Cephes expf), then scaled
// by 2**n through the exponent bits.
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

// eagerTanhf returns tanh x: an odd polynomial for |x| < 0.625 (Cephes
// tanhf), where the exponential form would cancel, and
// sign(x) (1 - z)/(1 + z) with z = e**-2|x| elsewhere.
func eagerTanhf(x float32) float32 {
	if x > -0.625 && x < 0.625 {
		w := x * x
		return ((((-5.70498872745e-3*w+2.06390887954e-2)*w-5.37397155531e-2)*w+1.33314422036e-1)*w-3.33332819422e-1)*w*x + x
	}
	ax := x
	if ax < 0 {
		ax = -ax
	}
	z := eagerExpf(-2 * ax)
	t := (1 - z) / (1 + z)
	if x < 0 {
		return -t
	}
	return t
}

// eagerGELUCoef are 2 sqrt(2/pi) and 2 sqrt(2/pi) 0.044715: GELU's tanh
// form 0.5 x (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x**3), equals
// x sigmoid(2u) with 2u = x (eagerGELUK0 + eagerGELUK1 x**2).
const (
	eagerGELUK0 = 2 * 0.7978845608028654
	eagerGELUK1 = 2 * 0.7978845608028654 * 0.044715
)

// eagerGELUf returns the tanh form of GELU as x sigmoid(2u): the same
// function with one exponential and no cancellation.
func eagerGELUf(x float32) float32 {
	return x * eagerSigmoidf(x*(eagerGELUK0+eagerGELUK1*x*x))
}

// eagerSiLUf returns x sigmoid(x).
func eagerSiLUf(x float32) float32 {
	return x * eagerSigmoidf(x)
}

// eagerExpShiftGo sets dst[i] = exp(src[i] - shift) with eagerExpf and
// returns the sum of the results. len(dst) >= len(src).
func eagerExpShiftGo(dst, src []float32, shift float32) float32 {
	dst = dst[:len(src)]
	var sum float32
	for i, x := range src {
		y := eagerExpf(x - shift)
		dst[i] = y
		sum += y
	}
	return sum
}

// eagerSigmoidGo sets dst[i] = eagerSigmoidf(src[i]).
func eagerSigmoidGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = eagerSigmoidf(x)
	}
}

// eagerSiLUGo sets dst[i] = eagerSiLUf(src[i]).
func eagerSiLUGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = eagerSiLUf(x)
	}
}

// eagerGELUGo sets dst[i] = eagerGELUf(src[i]).
func eagerGELUGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = eagerGELUf(x)
	}
}

// eagerTanhGo sets dst[i] = eagerTanhf(src[i]).
func eagerTanhGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = eagerTanhf(x)
	}
}

// eagerExpSlice sets dst[i] = e**src[i], with AVX2 when avx2 is true.
func eagerExpSlice(avx2 bool, dst, src []float32) {
	eagerExpShift(avx2, dst, src, 0)
}
