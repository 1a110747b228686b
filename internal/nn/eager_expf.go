package nn

import "math"

// The float32 exponential in pure Go: it avoids the float64 round trip of
// package math and is accurate to about 2 ulp (relative error under 3e-7).
// It is the fallback of the AVX2 kernel (eager_exp_amd64.s), which runs the
// same method eight lanes at a time, for the tails of slices and for CPUs
// and builds without AVX2.

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
