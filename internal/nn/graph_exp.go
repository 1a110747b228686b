package nn

import "math"

// gFastExp returns e^x with a relative error below 1e-8 (far below float32's
// 6e-8 rounding), faster than math.Exp (see BenchmarkGFastExp): the
// kernels of the graph executor compute in float64 and round once to
// float32, so math.Exp's full double accuracy is wasted there.
//
// x = n ln2 + r with |r| <= ln2/2 (ln2 split in two parts so that r is
// exact), e^r by its Taylor polynomial of degree 8 (truncation error
// r^9/9! < 2e-9 relative), and 2^n put into the exponent bits.
func gFastExp(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01
		ln2lo = 1.90821492927058770002e-10
	)
	switch {
	case x != x: // NaN
		return x
	case x > 709 || x < -708:
		return math.Exp(x) // near overflow, or subnormal results
	}
	// round x*log2e to the nearest integer by adding and removing 1.5*2^52
	const shift = 6755399441055744.0
	n := (x*log2e + shift) - shift
	r := (x - n*ln2hi) - n*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040+r*(1.0/40320))))))))
	return p * math.Float64frombits(uint64(int64(n)+1023)<<52)
}

// gFastTanh returns tanh(x) through gFastExp: 1 - 2/(e^2x + 1), sign-symmetric.
func gFastTanh(x float64) float64 {
	a := math.Abs(x)
	if a > 20 {
		return math.Copysign(1, x)
	}
	var t float64
	if a < 0.0625 {
		// small |x|: the series avoids cancellation in 1 - 2/(e^2x+1)
		x2 := a * a
		t = a * (1 + x2*(-1.0/3+x2*(2.0/15+x2*(-17.0/315+x2*(62.0/2835)))))
	} else {
		t = 1 - 2/(gFastExp(2*a)+1)
	}
	return math.Copysign(t, x)
}
