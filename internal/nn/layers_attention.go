package nn

import (
	"math"
	"math/rand/v2"
	"slices"
)

// ScaledDotProductAttention returns softmax(q k^T * scale + bias) v for
// q of shape (B, Lq, dh), k and v of shape (B, Lk, dh) and an additive bias
// of shape (Lq, Lk) or (B, Lq, Lk), or nil; the result is (B, Lq, dh). The
// softmax runs over the key axis. It uses the executor's Attender when it
// has one.
func ScaledDotProductAttention(e Exec, q, k, v, bias V, scale float32) V {
	if f, ok := e.(Attender); ok {
		return f.Attention(q, k, v, bias, scale)
	}
	s := e.Scale(e.MatMul(q, k, false, true), scale)
	if bias != nil {
		s = e.Add(s, bias)
	}
	return e.MatMul(Softmax(e, s, 2), v, false, false)
}

// Attention is multi-head attention with optional rotary positions and
// grouped-query attention (Llama's LlamaAttention, Hugging Face names).
// Query head h uses key/value head h / (Heads/KVHeads), as Hugging Face's
// repeat_kv.
type Attention struct {
	// Q maps D to Heads*dh, K and V map D (or the context's width) to
	// KVHeads*dh, O maps Heads*dh back to D.
	Q Linear `st:"q_proj"`
	K Linear `st:"k_proj"`
	V Linear `st:"v_proj"`
	O Linear `st:"o_proj"`
	// Heads is the number of query heads; KVHeads the number of key/value
	// heads (0 means Heads); Heads must be a multiple of KVHeads.
	Heads, KVHeads int
	// RopeBase is the base of the rotary frequencies (Llama: 10000); 0
	// disables rotary positions.
	RopeBase float64
}

// NewAttention returns self-attention over d features with the given heads
// (dh = d/heads), kvHeads key/value heads, biases on q/k/v/o when bias is
// true, and rotary base ropeBase (0: none), initialised from rng.
func NewAttention(rng *rand.Rand, d, heads, kvHeads int, bias bool, ropeBase float64) *Attention {
	dh := d / heads
	return &Attention{
		Q:        *NewLinear(rng, d, heads*dh, bias),
		K:        *NewLinear(rng, d, kvHeads*dh, bias),
		V:        *NewLinear(rng, d, kvHeads*dh, bias),
		O:        *NewLinear(rng, heads*dh, d, bias),
		Heads:    heads,
		KVHeads:  kvHeads,
		RopeBase: ropeBase,
	}
}

// Forward is self-attention: x is (L, D) or (B, L, D); positions (length L)
// are the rotary positions (nil means 0..L-1); bias is the additive
// attention bias (L, L) or (B, L, L) with axes (query, key) (see CausalBias,
// KeyPaddingBias, BlockLocalBias), or nil. The result has x's shape.
func (a *Attention) Forward(e Exec, x V, positions []int, bias V) V {
	return a.ForwardKV(e, x, x, positions, positions, bias)
}

// ForwardKV is attention of the queries of x, (Lq, D) or (B, Lq, D), over the
// keys and values of ctx, (Lk, Dc) or (B, Lk, Dc) with the same rank and B;
// qPos and kPos are the rotary positions of queries and keys (nil means
// 0..L-1; unused when RopeBase is 0); bias is (Lq, Lk) or (B, Lq, Lk), or
// nil. The result has shape (Lq, D) or (B, Lq, D).
func (a *Attention) ForwardKV(e Exec, x, ctx V, qPos, kPos []int, bias V) V {
	p := a.project(e, x, ctx, qPos, kPos)
	// The g query heads sharing a key/value head are adjacent, so
	// (B*H, Lq, dh) -> (B*KVHeads, g*Lq, dh) groups them without repeating
	// k and v.
	q := e.Reshape(p.q, p.b*p.hkv, p.g*p.lq, p.dh)
	o := ScaledDotProductAttention(e, q, p.k, p.v, groupBias(e, bias, p.b, p.hkv, p.g, p.lq, p.lk), p.scale())
	return a.merge(e, p, e.Reshape(o, p.b*a.Heads, p.lq, p.dh))
}

// ForwardLocal is block-local self-attention at a cost linear in L: x is
// (L, D) or (B, L, D), cut into consecutive blocks of block tokens (the last
// may be shorter); a query in block i sees the keys of blocks i-w..i+w.
// It equals Forward with the bias BlockLocalBias(UniformBlocks(L, block), w)
// but computes only the unmasked (query block, key window) products, one
// attention per block. positions are those of Forward. The result has x's
// shape.
func (a *Attention) ForwardLocal(e Exec, x V, positions []int, block, w int) V {
	p := a.project(e, x, x, positions, positions)
	block, w = max(block, 1), max(w, 0)
	var outs []V
	for qs := 0; qs < p.lq; qs += block {
		qe := min(qs+block, p.lq)
		ks, ke := max(qs-w*block, 0), min(qe+w*block, p.lk)
		q := e.Reshape(e.Slice(p.q, 1, qs, qe), p.b*p.hkv, p.g*(qe-qs), p.dh)
		k, v := e.Slice(p.k, 1, ks, ke), e.Slice(p.v, 1, ks, ke)
		o := ScaledDotProductAttention(e, q, k, v, nil, p.scale())
		outs = append(outs, e.Reshape(o, p.b*a.Heads, qe-qs, p.dh))
	}
	if len(outs) == 0 {
		// An empty sequence: let the executor record the shape error.
		return e.Reshape(x, 0)
	}
	return a.merge(e, p, e.Concat(1, outs...))
}

// projected holds the heads of an attention call: q (B*Heads, Lq, dh), k
// and v (B*KVHeads, Lk, dh), rotary positions applied.
type projected struct {
	q, k, v               V
	b, lq, lk, hkv, g, dh int
	batched               bool
}

func (p *projected) scale() float32 { return float32(1 / math.Sqrt(float64(p.dh))) }

// project computes the q, k, v heads of queries x and context ctx.
func (a *Attention) project(e Exec, x, ctx V, qPos, kPos []int) *projected {
	xs, cs := x.Shape(), ctx.Shape()
	p := &projected{batched: len(xs) == 3}
	switch {
	case p.batched && len(cs) == 3:
		p.b, p.lq, p.lk = xs[0], xs[1], cs[1]
	case len(xs) >= 1 && len(cs) >= 1:
		p.b, p.lq, p.lk = 1, xs[0], cs[0]
	}
	h := a.Heads
	p.hkv = a.KVHeads
	if p.hkv == 0 {
		p.hkv = h
	}
	p.g = max(h/max(p.hkv, 1), 1)
	p.dh = a.Q.W.Shape()[0] / max(h, 1)

	p.q = splitHeads(e, a.Q.Forward(e, x), p.b, p.lq, h, p.dh)
	p.k = splitHeads(e, a.K.Forward(e, ctx), p.b, p.lk, p.hkv, p.dh)
	p.v = splitHeads(e, a.V.Forward(e, ctx), p.b, p.lk, p.hkv, p.dh)
	if a.RopeBase != 0 {
		qPos, kPos = positionsOr(qPos, p.lq), positionsOr(kPos, p.lk)
		qc, qs := RotaryTables(qPos, p.dh, a.RopeBase)
		kc, ks := qc, qs
		if !slices.Equal(qPos, kPos) {
			kc, ks = RotaryTables(kPos, p.dh, a.RopeBase)
		}
		p.q = ApplyRotary(e, p.q, e.Const(qc), e.Const(qs))
		p.k = ApplyRotary(e, p.k, e.Const(kc), e.Const(ks))
	}
	return p
}

// merge turns attention outputs (B*Heads, Lq, dh) back into tokens and
// applies the output projection: (Lq, D) or (B, Lq, D).
func (a *Attention) merge(e Exec, p *projected, o V) V {
	h := a.Heads
	o = e.Reshape(o, p.b, h, p.lq, p.dh)
	o = e.Transpose(o, 0, 2, 1, 3)
	if p.batched {
		o = e.Reshape(o, p.b, p.lq, h*p.dh)
	} else {
		o = e.Reshape(o, p.lq, h*p.dh)
	}
	return a.O.Forward(e, o)
}

// splitHeads turns projections (B*L rows of heads*dh, as (L, heads*dh) or
// (B, L, heads*dh)) into (B*heads, L, dh).
func splitHeads(e Exec, x V, b, l, heads, dh int) V {
	x = e.Reshape(x, b, l, heads, dh)
	x = e.Transpose(x, 0, 2, 1, 3)
	return e.Reshape(x, b*heads, l, dh)
}

// positionsOr returns positions, or 0..l-1 when it is nil.
func positionsOr(positions []int, l int) []int {
	if positions != nil {
		return positions
	}
	positions = make([]int, l)
	for i := range positions {
		positions[i] = i
	}
	return positions
}

// groupBias turns a bias (Lq, Lk) or (B, Lq, Lk) into one for the grouped
// query layout (B*KVHeads, g*Lq, Lk). (Lq, Lk) broadcasts over the batch, so
// it is only tiled g times along the query axis; (B, Lq, Lk) is tiled
// KVHeads*g times as (B, KVHeads*g, Lq, Lk).
func groupBias(e Exec, bias V, b, hkv, g, lq, lk int) V {
	if bias == nil {
		return nil
	}
	s := bias.Shape()
	if len(s) == 3 && s[0] == 1 {
		bias = e.Reshape(bias, lq, lk)
		s = bias.Shape()
	}
	if len(s) == 3 {
		if hkv == 1 && g == 1 {
			return bias
		}
		one := e.Reshape(bias, b, 1, lq, lk)
		return e.Reshape(e.Concat(1, repeat(one, hkv*g)...), b*hkv, g*lq, lk)
	}
	if g == 1 {
		return bias
	}
	return e.Concat(0, repeat(bias, g)...)
}

func repeat(v V, n int) []V {
	out := make([]V, n)
	for i := range out {
		out[i] = v
	}
	return out
}
