package fusiontest

import (
	"context"
	"math"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
)

// Texts are the queries TextEncoder encodes: plain, with punctuation and
// capitals, with words no vocabulary is likely to hold, and long-ish.
var Texts = []string{
	"the red circle enters",
	"When does the large BLUE square stop moving, after it touches the star?",
	"zyxwv qwerty",
	"how many times does the green triangle disappear",
}

// finite reports the first non-finite value's index, or -1.
func finite(xs []float32) int {
	for i, x := range xs {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return i
		}
	}
	return -1
}

// TextEncoder checks enc against the contract of fusion.TextEncoder: Dim
// is positive; Encode of each of Texts gives Dim finite values, the same
// on a second call; different texts give different embeddings; the empty
// and the white-space text fail; a cancelled context fails.
func TextEncoder(t testing.TB, enc fusion.TextEncoder) {
	t.Helper()
	ctx := context.Background()
	d := enc.Dim()
	if d < 1 {
		t.Fatalf("Dim() = %d, want >= 1", d)
	}
	var embs [][]float32
	for _, s := range Texts {
		v, err := enc.Encode(ctx, s)
		if err != nil {
			t.Fatalf("Encode(%q): %v", s, err)
		}
		if len(v) != d {
			t.Fatalf("Encode(%q) has %d values, Dim() = %d", s, len(v), d)
		}
		if i := finite(v); i >= 0 {
			t.Errorf("Encode(%q)[%d] = %g", s, i, v[i])
		}
		again, err := enc.Encode(ctx, s)
		if err != nil {
			t.Fatalf("Encode(%q) a second time: %v", s, err)
		}
		for i := range v {
			if v[i] != again[i] {
				t.Errorf("Encode(%q) not deterministic: value %d is %g then %g", s, i, v[i], again[i])
				break
			}
		}
		embs = append(embs, v)
	}
	for i := range embs {
		for j := i + 1; j < len(embs); j++ {
			same := true
			for k := range embs[i] {
				if embs[i][k] != embs[j][k] {
					same = false
					break
				}
			}
			if same {
				t.Errorf("Encode(%q) and Encode(%q) are equal", Texts[i], Texts[j])
			}
		}
	}
	for _, s := range []string{"", " \t\n"} {
		if _, err := enc.Encode(ctx, s); err == nil {
			t.Errorf("Encode(%q) returned no error", s)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := enc.Encode(cancelled, Texts[0]); err == nil {
		t.Errorf("Encode with a cancelled context returned no error")
	}
}

// TimeEncoder checks enc against the contract of fusion.TimeEncoder: Dim
// is positive; Embed(T) is (T, Dim) float32 and finite for T = 1, 2, 7
// and 96; it is deterministic; the first frame (tau = 0) embeds alike for
// every T and the last (tau = 1) for every T >= 2, since e_time depends on
// tau_t = t/(T-1) alone; Embed(0) and Embed(-1) fail.
func TimeEncoder(t testing.TB, enc fusion.TimeEncoder) {
	t.Helper()
	d := enc.Dim()
	if d < 1 {
		t.Fatalf("Dim() = %d, want >= 1", d)
	}
	var first, last []float32
	for _, T := range []int{1, 2, 7, 96} {
		e, err := enc.Embed(T)
		if err != nil {
			t.Fatalf("Embed(%d): %v", T, err)
		}
		if !e.Shape().Eq(tensor.Shape{T, d}) || e.Dtype() != tensor.Float32 {
			t.Fatalf("Embed(%d) is %v of shape %v, want float32 (%d, %d)", T, e.Dtype(), e.Shape(), T, d)
		}
		data := e.Float32s()
		if i := finite(data); i >= 0 {
			t.Errorf("Embed(%d) element %d is %g", T, i, data[i])
		}
		again, err := enc.Embed(T)
		if err != nil {
			t.Fatalf("Embed(%d) a second time: %v", T, err)
		}
		if !equalWithin(data, again.Float32s(), 0) {
			t.Errorf("Embed(%d) not deterministic", T)
		}
		if first == nil {
			first = append([]float32(nil), data[:d]...)
		} else if !equalWithin(first, data[:d], 1e-6) {
			t.Errorf("Embed(%d) frame 0 (tau = 0) differs from Embed(1)'s: %v vs %v", T, data[:d], first)
		}
		if T >= 2 {
			row := data[(T-1)*d:]
			if last == nil {
				last = append([]float32(nil), row...)
			} else if !equalWithin(last, row, 1e-6) {
				t.Errorf("Embed(%d) last frame (tau = 1) differs from Embed(2)'s: %v vs %v", T, row, last)
			}
		}
	}
	for _, T := range []int{0, -1} {
		if _, err := enc.Embed(T); err == nil {
			t.Errorf("Embed(%d) returned no error", T)
		}
	}
}

// equalWithin reports whether a and b have the same length and differ by
// at most tol (absolute) everywhere.
func equalWithin(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i])-float64(b[i])) > tol {
			return false
		}
	}
	return true
}

// dense returns a deterministic (rows, cols) tensor with values in [-1, 1].
func dense(seed, rows, cols int) *tensor.Dense {
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = float32(math.Sin(float64(seed*7919 + i*31 + 1)))
	}
	return tensor.New(tensor.WithShape(rows, cols), tensor.WithBacking(data))
}

// Fuser checks f against the contract of fusion.Fuser for inputs of widths
// dv (z_t), dt (e_text) and df (e_time): OutDim is positive; Fuse gives
// (T, OutDim) finite float32 values for T = 1 and 5, deterministically;
// the fusion is frame-wise (Eq. 13), so frame t's token does not depend on
// the other frames; and Fuse fails on T = 0, on each width off by one and
// on frame counts that disagree.
func Fuser(t testing.TB, f fusion.Fuser, dv, dt, df int) {
	t.Helper()
	fuserContract(t, f, dv, dt, df, true)
}

// ClipFuser checks f as Fuser does, for a fuser whose frame tokens read
// the whole clip (fusion.ContextFuser): every check but the frame-wise one.
func ClipFuser(t testing.TB, f fusion.Fuser, dv, dt, df int) {
	t.Helper()
	fuserContract(t, f, dv, dt, df, false)
}

// fuserContract runs Fuser's checks; framewise adds the frame-wise one.
func fuserContract(t testing.TB, f fusion.Fuser, dv, dt, df int, framewise bool) {
	t.Helper()
	out := f.OutDim()
	if out < 1 {
		t.Fatalf("OutDim() = %d, want >= 1", out)
	}
	text := dense(1, 1, dt).Float32s()
	const T = 5
	z, et := dense(2, T, dv), dense(3, T, df)
	u, err := f.Fuse(z, text, et)
	if err != nil {
		t.Fatalf("Fuse(T=%d): %v", T, err)
	}
	if !u.Shape().Eq(tensor.Shape{T, out}) || u.Dtype() != tensor.Float32 {
		t.Fatalf("Fuse(T=%d) is %v of shape %v, want float32 (%d, %d)", T, u.Dtype(), u.Shape(), T, out)
	}
	if i := finite(u.Float32s()); i >= 0 {
		t.Errorf("Fuse element %d is %g", i, u.Float32s()[i])
	}
	again, err := f.Fuse(z, text, et)
	if err != nil {
		t.Fatalf("Fuse a second time: %v", err)
	}
	if !equalWithin(u.Float32s(), again.Float32s(), 0) {
		t.Errorf("Fuse not deterministic")
	}
	if framewise {
		for tt := range T {
			zt := tensor.New(tensor.WithShape(1, dv), tensor.WithBacking(append([]float32(nil), z.Float32s()[tt*dv:(tt+1)*dv]...)))
			ett := tensor.New(tensor.WithShape(1, df), tensor.WithBacking(append([]float32(nil), et.Float32s()[tt*df:(tt+1)*df]...)))
			one, err := f.Fuse(zt, text, ett)
			if err != nil {
				t.Fatalf("Fuse of frame %d alone: %v", tt, err)
			}
			if !equalWithin(one.Float32s(), u.Float32s()[tt*out:(tt+1)*out], 1e-5) {
				t.Errorf("frame %d fused alone differs from frame %d of the clip", tt, tt)
			}
		}
	}
	for _, bad := range []struct {
		name string
		z    *tensor.Dense
		text []float32
		et   *tensor.Dense
	}{
		{"no frames", tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(0, dv)), text, tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(0, df))},
		{"d_v + 1", dense(4, T, dv+1), text, et},
		{"d_t + 1", z, dense(5, 1, dt+1).Float32s(), et},
		{"d_f + 1", z, text, dense(6, T, df+1)},
		{"frame counts", z, text, dense(7, T-1, df)},
	} {
		if _, err := f.Fuse(bad.z, bad.text, bad.et); err == nil {
			t.Errorf("Fuse with %s returned no error", bad.name)
		}
	}
}
