package nn

import (
	"sync"
	"sync/atomic"

	"gorgonia.org/tensor"
)

// eagerAttnRows is the number of query rows one attention work unit
// handles. Units depend only on the shapes, never on the worker count.
const eagerAttnRows = 64

// Attention returns softmax(q k^T * scale + bias) v for q (B,Lq,dh), k
// (B,Lk,dh), v (B,Lk,dv) and an additive bias (Lq,Lk), (B,Lq,Lk) or nil;
// the result is (B,Lq,dv). Each unit of up to 64 query rows of one batch
// computes its scores with sgemm into a scratch buffer, adds the bias, takes
// the softmax in place and multiplies by v with sgemm; units are shared out
// over goroutines.
func (e *Eager) Attention(q, k, v, bias V, scale float32) V {
	qv, kv, vv := e.arg("Attention", q), e.arg("Attention", k), e.arg("Attention", v)
	var bv *eagerValue
	if !eagerIsNil(bias) {
		bv = e.arg("Attention", bias)
		if bv == nil {
			return e.placeholder(eagerShapeOf(q))
		}
	}
	if qv == nil || kv == nil || vv == nil {
		return e.placeholder(eagerShapeOf(q))
	}
	qs, ks, vs := qv.shape, kv.shape, vv.shape
	var bs tensor.Shape
	if bv != nil {
		bs = bv.shape
	}
	shape, batchedBias, err := AttentionShape(qs, ks, vs, bs, bv != nil)
	if err != nil {
		e.failErr("Attention", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc(shape)
	batches, lq, dh, lk, dv := qs[0], qs[1], qs[2], ks[1], vs[2]
	if lq == 0 || dv == 0 || batches == 0 {
		return out
	}
	blocks := (lq + eagerAttnRows - 1) / eagerAttnRows
	units := batches * blocks
	run := func(scores []float32, u int) {
		b, r0 := u/blocks, (u%blocks)*eagerAttnRows
		rows := min(eagerAttnRows, lq-r0)
		s := scores[:rows*lk]
		qb := qv.data[(b*lq+r0)*dh:]
		sgemm(false, true, rows, lk, dh, scale, qb, dh, kv.data[b*lk*dh:], dh, 0, s, lk)
		if bv != nil {
			off := r0 * lk
			if batchedBias {
				off += b * lq * lk
			}
			eagerBinVec(eagerAdd, s, s, bv.data[off:off+rows*lk])
		}
		for i := range rows {
			row := s[i*lk : (i+1)*lk]
			eagerSoftmaxRow(e.avx2, row, row)
		}
		sgemm(false, false, rows, dv, lk, 1, s, lk, vv.data[b*lk*dv:], dv, 0, out.data[(b*lq+r0)*dv:], dv)
	}
	flops := batches * lq * lk * (dh + dv)
	workers := min(units, e.workers)
	if flops < eagerGrain*8 || workers == 1 {
		scores := make([]float32, min(lq, eagerAttnRows)*lk)
		for u := range units {
			run(scores, u)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			scores := make([]float32, min(lq, eagerAttnRows)*lk)
			for {
				u := int(next.Add(1)) - 1
				if u >= units {
					return
				}
				run(scores, u)
			}
		}()
	}
	wg.Wait()
	return out
}
