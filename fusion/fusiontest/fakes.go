package fusiontest

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
)

// HashText is a fake fusion.TextEncoder: e_text is the normalised sum, over
// the lower-cased words of the text (split at white space), of a
// pseudo-random +-1 vector seeded by the word's FNV-1a hash. Texts with the
// same words in any order embed alike. D is d_t.
type HashText struct {
	D int
}

var _ fusion.TextEncoder = HashText{}

// Dim returns D.
func (h HashText) Dim() int { return h.D }

// Encode returns the (D) embedding; it fails on a text without words, on
// D < 1 and on a cancelled context.
func (h HashText) Encode(ctx context.Context, text string) ([]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("fusiontest: HashText: %w", err)
	}
	if h.D < 1 {
		return nil, fmt.Errorf("fusiontest: HashText width %d, want >= 1", h.D)
	}
	words := strings.Fields(strings.ToLower(text))
	if len(words) == 0 {
		return nil, errors.New("fusiontest: HashText: empty text")
	}
	sum := make([]float64, h.D)
	for _, w := range words {
		f := fnv.New64a()
		f.Write([]byte(w))
		x := f.Sum64() | 1
		for i := range sum {
			// xorshift64: one pseudo-random bit per feature.
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			sum[i] += float64(int(x&2) - 1)
		}
	}
	var n float64
	for _, s := range sum {
		n += s * s
	}
	n = math.Sqrt(n)
	out := make([]float32, h.D)
	for i, s := range sum {
		if n > 0 {
			out[i] = float32(s / n)
		}
	}
	return out, nil
}

// Ramp is a fake fusion.TimeEncoder: every one of its D features of frame t
// is tau_t = t/(T-1) (0 when T = 1).
type Ramp struct {
	D int
}

var _ fusion.TimeEncoder = Ramp{}

// Dim returns D.
func (r Ramp) Dim() int { return r.D }

// Embed returns the (T, D) ramp; it fails on T < 1 and D < 1.
func (r Ramp) Embed(T int) (*tensor.Dense, error) {
	if r.D < 1 {
		return nil, fmt.Errorf("fusiontest: Ramp width %d, want >= 1", r.D)
	}
	taus, err := fusion.Taus(T)
	if err != nil {
		return nil, err
	}
	data := make([]float32, T*r.D)
	for t, tau := range taus {
		for i := range r.D {
			data[t*r.D+i] = float32(tau)
		}
	}
	return tensor.New(tensor.WithShape(T, r.D), tensor.WithBacking(data)), nil
}

// PadFuser is a fake fusion.Fuser without weights: frame t's token is
// [z_t; e_text; e_time(t)] cut or zero-padded to Out features. DV, DT and
// DF are the input widths it accepts.
type PadFuser struct {
	DV, DT, DF, Out int
}

var _ fusion.Fuser = PadFuser{}

// OutDim returns Out.
func (p PadFuser) OutDim() int { return p.Out }

// Fuse returns the (T, Out) tokens; it fails on T = 0 and on shapes other
// than z (T, DV), eText (DT), eTime (T, DF).
func (p PadFuser) Fuse(z *tensor.Dense, eText []float32, eTime *tensor.Dense) (*tensor.Dense, error) {
	if z == nil || eTime == nil {
		return nil, errors.New("fusiontest: PadFuser: nil input")
	}
	zs, fs := z.Shape(), eTime.Shape()
	switch {
	case z.Dtype() != tensor.Float32 || eTime.Dtype() != tensor.Float32:
		return nil, fmt.Errorf("fusiontest: PadFuser: inputs are %v and %v, want float32", z.Dtype(), eTime.Dtype())
	case len(zs) != 2 || zs[1] != p.DV:
		return nil, fmt.Errorf("fusiontest: PadFuser: z has shape %v, want (T, %d)", zs, p.DV)
	case zs[0] == 0:
		return nil, errors.New("fusiontest: PadFuser: no frames (T = 0)")
	case len(eText) != p.DT:
		return nil, fmt.Errorf("fusiontest: PadFuser: e_text has %d values, want %d", len(eText), p.DT)
	case len(fs) != 2 || fs[1] != p.DF || fs[0] != zs[0]:
		return nil, fmt.Errorf("fusiontest: PadFuser: e_time has shape %v, want (%d, %d)", fs, zs[0], p.DF)
	case p.Out < 1:
		return nil, fmt.Errorf("fusiontest: PadFuser width %d, want >= 1", p.Out)
	}
	T := zs[0]
	zd, fd := z.Float32s(), eTime.Float32s()
	out := make([]float32, T*p.Out)
	for t := range T {
		row := append(append(append(make([]float32, 0, p.DV+p.DT+p.DF), zd[t*p.DV:(t+1)*p.DV]...), eText...), fd[t*p.DF:(t+1)*p.DF]...)
		copy(out[t*p.Out:(t+1)*p.Out], row)
	}
	return tensor.New(tensor.WithShape(T, p.Out), tensor.WithBacking(out)), nil
}
