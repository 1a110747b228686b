package heads

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// bruteDecode is the definition of DecodeSpan: every pair s <= e, the
// largest product, ties to the smallest s and then the smallest e.
func bruteDecode(ps, pe []float64) FrameSpan {
	best := FrameSpan{Score: -1}
	for s := range ps {
		for e := s; e < len(pe); e++ {
			if p := ps[s] * pe[e]; p > best.Score {
				best = FrameSpan{Start: s, End: e, Score: p}
			}
		}
	}
	return best
}

// randomScores draws T scores; with levels > 0 they are quantised to
// multiples of 1/levels (levels a power of two, so products are exact and
// ties are frequent), otherwise they are uniform floats.
func randomScores(r *rand.Rand, T, levels int) []float64 {
	xs := make([]float64, T)
	for i := range xs {
		if levels > 0 {
			xs[i] = float64(r.IntN(levels+1)) / float64(levels)
		} else {
			xs[i] = r.Float64()
		}
	}
	return xs
}

func TestDecodeSpanMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ties := 0
	for trial := 0; trial < 5000; trial++ {
		T := 1 + r.IntN(40)
		levels := []int{0, 1, 2, 4, 8}[trial%5]
		ps, pe := randomScores(r, T, levels), randomScores(r, T, levels)
		if trial%7 == 0 { // also real softmax outputs
			ps, _ = Softmax(randomScores(r, T, 0))
			pe, _ = Softmax(randomScores(r, T, 0))
		}
		want := bruteDecode(ps, pe)
		s, e, score, err := DecodeSpan(ps, pe)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, FrameSpan{s, e, score}); d != "" {
			t.Fatalf("trial %d, ps=%v pe=%v (-brute +DecodeSpan):\n%s", trial, ps, pe, d)
		}
		top, err := TopSpans(ps, pe, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]FrameSpan{want}, top); d != "" {
			t.Fatalf("trial %d: TopSpans(k=1) (-brute +got):\n%s", trial, d)
		}
		if countMaximal(ps, pe, want.Score) > 1 {
			ties++
		}
	}
	if ties < 500 {
		t.Errorf("only %d of 5000 trials had tied maxima; the test does not exercise the tie rule", ties)
	}
}

func countMaximal(ps, pe []float64, m float64) int {
	n := 0
	for s := range ps {
		for e := s; e < len(pe); e++ {
			if ps[s]*pe[e] == m {
				n++
			}
		}
	}
	return n
}

func TestDecodeSpanCases(t *testing.T) {
	tests := []struct {
		name   string
		ps, pe []float64
		want   FrameSpan
	}{
		{"one frame", []float64{1}, []float64{1}, FrameSpan{0, 0, 1}},
		{"end before the best start is not allowed", []float64{0.2, 0.8}, []float64{0.9, 0.1}, FrameSpan{0, 0, 0.18}},
		{"all zero", []float64{0, 0, 0}, []float64{0, 0, 0}, FrameSpan{0, 0, 0}},
		{"tie: earliest start, then earliest end", []float64{0.5, 0.5, 0}, []float64{0, 0.5, 0.5}, FrameSpan{0, 1, 0.25}},
		{"peaked", []float64{0, 0.1, 0.8, 0.1, 0}, []float64{0, 0, 0.1, 0.2, 0.7}, FrameSpan{2, 4, 0.8 * 0.7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, e, score, err := DecodeSpan(tc.ps, tc.pe)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, FrameSpan{s, e, score}, cmpopts.EquateApprox(0, 1e-15)); d != "" {
				t.Errorf("DecodeSpan (-want +got):\n%s", d)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		ps, pe []float64
		want   string
	}{
		{"T = 0", nil, nil, "T = 0"},
		{"lengths differ", []float64{1}, []float64{0.5, 0.5}, "1 frames, end scores 2"},
		{"negative", []float64{0.5, -0.1}, []float64{0.5, 0.5}, "start score 1 is -0.1"},
		{"NaN", []float64{0.5, 0.5}, []float64{math.NaN(), 0.5}, "end score 0 is NaN"},
		{"Inf", []float64{math.Inf(1)}, []float64{1}, "start score 0 is +Inf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := DecodeSpan(tc.ps, tc.pe)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeSpan error = %v, want one containing %q", err, tc.want)
			}
			_, err = TopSpans(tc.ps, tc.pe, 3, 0.5)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("TopSpans error = %v, want one containing %q", err, tc.want)
			}
		})
	}
	for _, c := range []struct {
		k    int
		iou  float64
		want string
	}{{0, 0.5, "k = 0"}, {2, -0.1, "threshold -0.1"}, {2, math.NaN(), "threshold NaN"}} {
		if _, err := TopSpans([]float64{1}, []float64{1}, c.k, c.iou); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("TopSpans(k=%d, iou=%g) error = %v, want one containing %q", c.k, c.iou, err, c.want)
		}
	}
}

func TestTopSpans(t *testing.T) {
	ps := []float64{0.6, 0.1, 0.1, 0.2}
	pe := []float64{0.1, 0.5, 0.1, 0.3}
	// Products (s,e): (0,0).06 (0,1).30 (0,2).06 (0,3).18 (1,1).05 (1,2).01
	// (1,3).03 (2,2).01 (2,3).03 (3,3).06
	fs := func(s, e int) FrameSpan { return FrameSpan{s, e, ps[s] * pe[e]} }
	tests := []struct {
		name   string
		k      int
		maxIoU float64
		want   []FrameSpan
	}{
		{"disjoint", 3, 0, []FrameSpan{fs(0, 1), fs(3, 3), fs(2, 2)}},
		{"no suppression", 3, 1, []FrameSpan{fs(0, 1), fs(0, 3), fs(0, 0)}},
		// (0,3) has IoU 2/4 with (0,1) and is kept at 0.5; (0,0) has 1/2
		// with (0,1) and 1/4 with (0,3): kept; (0,2) has 3/4 with (0,3):
		// dropped; (3,3) has 1/4 with (0,3): kept.
		{"IoU 0.5", 4, 0.5, []FrameSpan{fs(0, 1), fs(0, 3), fs(0, 0), fs(3, 3)}},
		{"fewer than k left", 10, 0, []FrameSpan{fs(0, 1), fs(3, 3), fs(2, 2)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := TopSpans(ps, pe, tc.k, tc.maxIoU)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("TopSpans (-want +got):\n%s", d)
			}
		})
	}
}

func BenchmarkDecodeSpan(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	ps, _ := Softmax(randomScores(r, 96, 0))
	pe, _ := Softmax(randomScores(r, 96, 0))
	for b.Loop() {
		if _, _, _, err := DecodeSpan(ps, pe); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTopSpans(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	ps, _ := Softmax(randomScores(r, 96, 0))
	pe, _ := Softmax(randomScores(r, 96, 0))
	for b.Loop() {
		if _, err := TopSpans(ps, pe, 5, 0.5); err != nil {
			b.Fatal(err)
		}
	}
}
