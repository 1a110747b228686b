package cuda

import (
	"math"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Softmax returns softmax along the last axis of a (rank >= 1, same shape
// out), exp(a - max) / sum(exp(a - max)) per row, one block per row
// (vd_softmax; nn.Softmaxer). A row of all -Inf gives NaN, as the composed
// form does.
func (e *Exec) Softmax(a nn.V) nn.V {
	av := e.arg("Softmax", a)
	if av == nil {
		return e.placeholder(shapeOf(a))
	}
	if err := nn.SoftmaxCheck(av.shape); err != nil {
		e.failErr("Softmax", err)
		return e.placeholder(av.shape)
	}
	return e.rows("Softmax", av, func(out *value, g geom, rows int64, d int32) {
		e.launch("Softmax", kSoftmax, g, av.ptr, out.ptr, rows, d)
	})
}

// LayerNorm normalises a (..., D) over its last axis:
// (a - mean) / sqrt(var + eps) * gamma + beta, biased variance, gamma (D),
// beta (D) or nil; statistics in double, one block per row (vd_layernorm;
// nn.LayerNormer).
func (e *Exec) LayerNorm(a, gamma, beta nn.V, eps float32) nn.V {
	av, gv := e.arg("LayerNorm", a), e.arg("LayerNorm", gamma)
	var bv *value
	if !isNil(beta) {
		if bv = e.arg("LayerNorm", beta); bv == nil {
			return e.placeholder(shapeOf(a))
		}
	}
	if av == nil || gv == nil {
		return e.placeholder(shapeOf(a))
	}
	var bs tensor.Shape
	if bv != nil {
		bs = bv.shape
	}
	if err := nn.LayerNormCheck(av.shape, gv.shape, bs, bv != nil); err != nil {
		e.failErr("LayerNorm", err)
		return e.placeholder(av.shape)
	}
	var bptr devPtr
	if bv != nil {
		bptr = bv.ptr
	}
	return e.rows("LayerNorm", av, func(out *value, g geom, rows int64, d int32) {
		e.launch("LayerNorm", kLayerNorm, g, av.ptr, gv.ptr, bptr, out.ptr, rows, d, eps)
	})
}

// RMSNorm normalises a (..., D) over its last axis:
// a / sqrt(mean(a^2) + eps) * gamma, gamma (D) (vd_rmsnorm; nn.RMSNormer).
func (e *Exec) RMSNorm(a, gamma nn.V, eps float32) nn.V {
	av, gv := e.arg("RMSNorm", a), e.arg("RMSNorm", gamma)
	if av == nil || gv == nil {
		return e.placeholder(shapeOf(a))
	}
	if err := nn.RMSNormCheck(av.shape, gv.shape); err != nil {
		e.failErr("RMSNorm", err)
		return e.placeholder(av.shape)
	}
	return e.rows("RMSNorm", av, func(out *value, g geom, rows int64, d int32) {
		e.launch("RMSNorm", kRMSNorm, g, av.ptr, gv.ptr, out.ptr, rows, d, eps)
	})
}

// rows allocates the output of a row kernel over a's last axis and calls
// launch with its geometry, unless the executor has failed or the output
// is empty.
func (e *Exec) rows(name string, av *value, launch func(out *value, g geom, rows int64, d int32)) nn.V {
	if e.err != nil {
		return e.placeholder(av.shape)
	}
	d := av.shape[len(av.shape)-1]
	if d > math.MaxInt32 {
		e.fail(name, "last axis of shape %v exceeds the kernel's 32-bit sizes", av.shape)
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
	g, err := perRow(n/d, d, 0)
	if err != nil {
		e.fail(name, "shape %v: %v", av.shape, err)
		return e.placeholder(av.shape)
	}
	launch(out, g, int64(n/d), int32(d))
	return out
}

// Attention returns softmax(q k^T * scale + bias) v for q (B,Lq,dh), k
// (B,Lk,dh), v (B,Lk,dv) and an additive bias (Lq,Lk), (B,Lq,Lk) or nil;
// the result is (B,Lq,dv) (nn.Attender). Causal and block-local masks are
// biases of -Inf. One fused vd_attention launch when a row of scores fits
// in shared memory (Lk + dh up to about 12k), else MatMul, Softmax and
// MatMul on the device.
func (e *Exec) Attention(q, k, v, bias nn.V, scale float32) nn.V {
	qv, kv, vv := e.arg("Attention", q), e.arg("Attention", k), e.arg("Attention", v)
	var bv *value
	if !isNil(bias) {
		if bv = e.arg("Attention", bias); bv == nil {
			return e.placeholder(shapeOf(q))
		}
	}
	if qv == nil || kv == nil || vv == nil {
		return e.placeholder(shapeOf(q))
	}
	qs, ks, vs := qv.shape, kv.shape, vv.shape
	var bs tensor.Shape
	if bv != nil {
		bs = bv.shape
	}
	shape, batchedBias, err := nn.AttentionShape(qs, ks, vs, bs, bv != nil)
	if err != nil {
		e.failErr("Attention", err)
		return e.placeholder(shape)
	}
	// biasMode is 0 without a bias, 1 for (Lq,Lk), 2 for (B,Lq,Lk).
	biasMode := int32(0)
	if bv != nil {
		biasMode = 1 + b2i(batchedBias)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	batch, lq, dh, lk, dv := qs[0], qs[1], qs[2], ks[1], vs[2]
	g, fits := attnGeom(batch, lq, lk, dh)
	if !fits || lk == 0 {
		// Composed on the device: scores (B,Lq,Lk), bias broadcast by Add.
		s := e.Scale(e.MatMul(qv, kv, false, true), scale)
		if bv != nil {
			s = e.Add(s, bv)
		}
		return e.MatMul(e.Softmax(s), vv, false, false)
	}
	for _, d := range []int{batch, lq, lk, dh, dv} {
		if d > math.MaxInt32 {
			e.fail("Attention", "q %v, k %v, v %v exceed the kernel's 32-bit sizes", qs, ks, vs)
			return e.placeholder(shape)
		}
	}
	out := e.alloc("Attention", shape)
	if out == nil {
		return e.placeholder(shape)
	}
	if shape.TotalSize() == 0 {
		return out
	}
	var bptr devPtr
	if bv != nil {
		bptr = bv.ptr
	}
	e.launch("Attention", kAttention, g, qv.ptr, kv.ptr, vv.ptr, bptr, out.ptr,
		int32(batch), int32(lq), int32(lk), int32(dh), int32(dv), scale, biasMode)
	return out
}
