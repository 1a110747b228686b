package nn

import "math"

// Element-wise functions built on the exponential of whole slices
// (eagerExpShift: AVX2 when avx2 is true, else pure Go). Each works through
// its input in chunks of eagerChunk elements: a Go pass writes the
// exponent's argument into a stack buffer, the vector exponential runs in
// place, and a second Go pass finishes; the chunk stays in L1 cache.

// eagerChunk is the number of elements handled per pass.
const eagerChunk = 256

// eagerNegAbs returns -|x| (NaN stays NaN).
func eagerNegAbs(x float32) float32 {
	return math.Float32frombits(math.Float32bits(x) | 1<<31)
}

// eagerSigmoidOf sets dst[i] = sigmoid(t[i]) given z[i] = exp(-|t[i]|):
// 1/(1+z) for t >= 0 and z/(1+z) below, so that no exponential overflows.
// signOf[i] has the sign of t[i] (it is the input x that t derives from).
func eagerSigmoidOf(dst, z, signOf []float32) {
	dst, z = dst[:len(signOf)], z[:len(signOf)]
	for i, x := range signOf {
		num := float32(1)
		if x < 0 {
			num = z[i]
		}
		dst[i] = num / (1 + z[i])
	}
}

// eagerExpSlice sets dst[i] = e**src[i].
func eagerExpSlice(avx2 bool, dst, src []float32) {
	eagerExpShift(avx2, dst, src, 0)
}

// eagerSigmoidSlice sets dst[i] = 1/(1+e**-src[i]).
func eagerSigmoidSlice(avx2 bool, dst, src []float32) {
	var buf [eagerChunk]float32
	for len(src) > 0 {
		n := min(len(src), eagerChunk)
		x, z := src[:n], buf[:n]
		for i, v := range x {
			z[i] = eagerNegAbs(v)
		}
		eagerExpShift(avx2, z, z, 0)
		eagerSigmoidOf(dst[:n], z, x)
		src, dst = src[n:], dst[n:]
	}
}

// eagerSiLUSlice sets dst[i] = src[i] sigmoid(src[i]).
func eagerSiLUSlice(avx2 bool, dst, src []float32) {
	var buf [eagerChunk]float32
	for len(src) > 0 {
		n := min(len(src), eagerChunk)
		x, z, d := src[:n], buf[:n], dst[:n]
		for i, v := range x {
			z[i] = eagerNegAbs(v)
		}
		eagerExpShift(avx2, z, z, 0)
		eagerSigmoidOf(d, z, x)
		for i, v := range x {
			d[i] *= v
		}
		src, dst = src[n:], dst[n:]
	}
}

// eagerGELUSlice sets dst[i] to the tanh form of GELU of x = src[i],
// 0.5 x (1 + tanh u) with u = sqrt(2/pi) (x + 0.044715 x**3), computed as
// x sigmoid(2u): the same function with one exponential and no
// cancellation. 2u has the sign of x.
func eagerGELUSlice(avx2 bool, dst, src []float32) {
	const c2 = 2 * 0.7978845608028654 // 2 sqrt(2/pi)
	var buf [eagerChunk]float32
	for len(src) > 0 {
		n := min(len(src), eagerChunk)
		x, z, d := src[:n], buf[:n], dst[:n]
		for i, v := range x {
			z[i] = eagerNegAbs(c2 * (v + 0.044715*v*v*v))
		}
		eagerExpShift(avx2, z, z, 0)
		eagerSigmoidOf(d, z, x)
		for i, v := range x {
			d[i] *= v
		}
		src, dst = src[n:], dst[n:]
	}
}

// eagerTanhSlice sets dst[i] = tanh src[i]: an odd polynomial for
// |x| < 0.625 (Cephes tanhf), where the exponential form would cancel, and
// sign(x) (1 - z)/(1 + z) with z = e**-2|x| elsewhere.
func eagerTanhSlice(avx2 bool, dst, src []float32) {
	var buf [eagerChunk]float32
	for len(src) > 0 {
		n := min(len(src), eagerChunk)
		x, z, d := src[:n], buf[:n], dst[:n]
		for i, v := range x {
			z[i] = 2 * eagerNegAbs(v)
		}
		eagerExpShift(avx2, z, z, 0)
		for i, v := range x {
			if v > -0.625 && v < 0.625 {
				w := v * v
				d[i] = ((((-5.70498872745e-3*w+2.06390887954e-2)*w-5.37397155531e-2)*w+1.33314422036e-1)*w-3.33332819422e-1)*w*v + v
				continue
			}
			t := (1 - z[i]) / (1 + z[i])
			if v < 0 {
				t = -t
			}
			d[i] = t
		}
		src, dst = src[n:], dst[n:]
	}
}
