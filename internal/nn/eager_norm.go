package nn

import (
	"math"

	"gorgonia.org/tensor"
)

// LayerNorm normalises a (..., D) over its last axis:
// (a - mean) / sqrt(var + eps) * gamma + beta, with the biased variance,
// gamma of shape (D) and beta of shape (D) or nil. Statistics accumulate in
// float64, two passes over each row.
func (e *Eager) LayerNorm(a, gamma, beta V, eps float32) V {
	av, gv := e.arg("LayerNorm", a), e.arg("LayerNorm", gamma)
	var bv *eagerValue
	if !eagerIsNil(beta) {
		bv = e.arg("LayerNorm", beta)
		if bv == nil {
			return e.placeholder(eagerShapeOf(a))
		}
	}
	if av == nil || gv == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	var bs tensor.Shape
	if bv != nil {
		bs = bv.shape
	}
	if err := LayerNormCheck(av.shape, gv.shape, bs, bv != nil); err != nil {
		e.failErr("LayerNorm", err)
		return e.placeholder(av.shape)
	}
	d := av.shape[len(av.shape)-1]
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	out := e.alloc(av.shape)
	if d == 0 {
		return out
	}
	g := gv.data
	var b []float32
	if bv != nil {
		b = bv.data
	}
	rows := len(out.data) / d
	e.parallel(rows, eagerRowGrain(d), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			src, dst := av.data[r*d:(r+1)*d], out.data[r*d:(r+1)*d]
			mean := eagerSum64(src) / float64(d)
			sq := eagerSumSqDev64(src, mean)
			rstd := float32(1 / math.Sqrt(sq/float64(d)+float64(eps)))
			m := float32(mean)
			g := g[:d]
			if b == nil {
				for i, x := range src {
					dst[i] = (x - m) * rstd * g[i]
				}
				continue
			}
			b := b[:d]
			for i, x := range src {
				dst[i] = (x-m)*rstd*g[i] + b[i]
			}
		}
	})
	return out
}

// RMSNorm normalises a (..., D) over its last axis:
// a / sqrt(mean(a^2) + eps) * gamma, gamma of shape (D). The mean of
// squares accumulates in float64.
func (e *Eager) RMSNorm(a, gamma V, eps float32) V {
	av, gv := e.arg("RMSNorm", a), e.arg("RMSNorm", gamma)
	if av == nil || gv == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	if err := RMSNormCheck(av.shape, gv.shape); err != nil {
		e.failErr("RMSNorm", err)
		return e.placeholder(av.shape)
	}
	d := av.shape[len(av.shape)-1]
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	out := e.alloc(av.shape)
	if d == 0 {
		return out
	}
	g := gv.data[:d]
	rows := len(out.data) / d
	e.parallel(rows, eagerRowGrain(d), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			src, dst := av.data[r*d:(r+1)*d], out.data[r*d:(r+1)*d]
			sq := eagerSumSqDev64(src, 0)
			rms := float32(1 / math.Sqrt(sq/float64(d)+float64(eps)))
			for i, x := range src {
				dst[i] = x * rms * g[i]
			}
		}
	})
	return out
}

// eagerSum64 returns the sum of row in float64, with four accumulators
// (in a fixed order) so that the additions do not wait on each other.
func eagerSum64(row []float32) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(row); i += 4 {
		r := row[i : i+4 : i+4]
		s0 += float64(r[0])
		s1 += float64(r[1])
		s2 += float64(r[2])
		s3 += float64(r[3])
	}
	for _, x := range row[i:] {
		s0 += float64(x)
	}
	return (s0 + s1) + (s2 + s3)
}

// eagerSumSqDev64 returns the sum of (x - c)**2 over row in float64, with
// four accumulators like eagerSum64.
func eagerSumSqDev64(row []float32, c float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(row); i += 4 {
		r := row[i : i+4 : i+4]
		d0, d1, d2, d3 := float64(r[0])-c, float64(r[1])-c, float64(r[2])-c, float64(r[3])-c
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for _, x := range row[i:] {
		d := float64(x) - c
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// eagerIsNil reports whether v is absent: a nil interface or a nil eager
// value.
func eagerIsNil(v V) bool {
	if v == nil {
		return true
	}
	ev, ok := v.(*eagerValue)
	return ok && ev == nil
}
