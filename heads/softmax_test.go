package heads

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSoftmax(t *testing.T) {
	e := math.E
	tests := []struct {
		name   string
		logits []float64
		want   []float64
	}{
		{"one", []float64{3}, []float64{1}},
		{"uniform", []float64{2, 2, 2, 2}, []float64{0.25, 0.25, 0.25, 0.25}},
		{"two", []float64{0, 1}, []float64{1 / (1 + e), e / (1 + e)}},
		{"large logits do not overflow", []float64{1000, 1001}, []float64{1 / (1 + e), e / (1 + e)}},
		{"very negative logits do not underflow to 0/0", []float64{-1000, -1001}, []float64{e / (1 + e), 1 / (1 + e)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Softmax(tc.logits)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-12)); d != "" {
				t.Errorf("Softmax(%v) (-want +got):\n%s", tc.logits, d)
			}
		})
	}
	for _, c := range []struct {
		logits []float64
		want   string
	}{{nil, "T = 0"}, {[]float64{0, math.NaN()}, "logit 1 is NaN"}, {[]float64{math.Inf(-1)}, "logit 0 is -Inf"}} {
		if _, err := Softmax(c.logits); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Softmax(%v) error = %v, want one containing %q", c.logits, err, c.want)
		}
	}
}

func TestSpanSeconds(t *testing.T) {
	times := []float64{0, 0.5, 1, 1.5}
	tests := []struct {
		name string
		s, e int
		dur  float64
		want Span
	}{
		{"one frame", 1, 1, 2, Span{0.5, 1}},
		{"to the last frame", 2, 3, 2, Span{1, 2}},
		{"whole video", 0, 3, 2.1, Span{0, 2.1}},
		{"last frame, duration at its time", 3, 3, 1.5, Span{1.5, 1.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SpanSeconds(tc.s, tc.e, times, tc.dur)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("SpanSeconds (-want +got):\n%s", d)
			}
		})
	}
	for _, c := range []struct {
		name  string
		s, e  int
		times []float64
		dur   float64
		want  string
	}{
		{"reversed", 2, 1, times, 2, "outside [0, 4) or reversed"},
		{"past the end", 0, 4, times, 2, "outside"},
		{"negative", -1, 0, times, 2, "outside"},
		{"no frames", 0, 0, nil, 2, "outside [0, 0)"},
		{"decreasing times", 0, 1, []float64{0, 1, 0.5}, 2, "frame time 2 (0.5) before frame time 1 (1)"},
		{"NaN time", 0, 1, []float64{0, math.NaN()}, 2, "frame time 1 is NaN"},
		{"short duration", 0, 1, times, 1, "duration 1 before the last frame time 1.5"},
	} {
		if _, err := SpanSeconds(c.s, c.e, c.times, c.dur); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestMeanStd(t *testing.T) {
	tests := []struct {
		name      string
		xs        []float64
		mean, std float64
	}{
		{"one seed", []float64{42}, 42, 0},
		{"three seeds", []float64{1, 2, 3}, 2, 1},
		{"sample std", []float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0 / 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, s, err := MeanStd(tc.xs)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([2]float64{tc.mean, tc.std}, [2]float64{m, s}, cmpopts.EquateApprox(0, 1e-12)); d != "" {
				t.Errorf("MeanStd(%v) (-want +got):\n%s", tc.xs, d)
			}
		})
	}
	if _, _, err := MeanStd(nil); err == nil {
		t.Error("MeanStd(nil): no error")
	}
	if _, _, err := MeanStd([]float64{1, math.NaN()}); err == nil || !strings.Contains(err.Error(), "value 1 is NaN") {
		t.Errorf("MeanStd with NaN: error = %v", err)
	}
}

func TestAcrossSeeds(t *testing.T) {
	a := Report{N: 2, R1At03: 50, MIoU: 40, AccQA: ptr(50), AccGQA: ptr(0)}
	b := Report{N: 2, R1At03: 100, MIoU: 60, AccQA: ptr(100), AccGQA: ptr(50)}
	got, err := AcrossSeeds([]Report{a, b})
	if err != nil {
		t.Fatal(err)
	}
	s := math.Sqrt(2) // sample std of {x, x+2d} is d*sqrt(2)
	want := []Stat{
		{"R1@0.3", 75, 25 * s}, {"R1@0.5", 0, 0}, {"R1@0.7", 0, 0}, {"mIoU", 50, 10 * s},
		{"mIoP", 0, 0}, {"IoP@0.3", 0, 0}, {"IoP@0.5", 0, 0}, {"IoU@0.3", 0, 0}, {"IoU@0.5", 0, 0},
		{"Acc@QA", 75, 25 * s}, {"Acc@GQA", 25, 25 * s},
	}
	if d := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); d != "" {
		t.Errorf("AcrossSeeds (-want +got):\n%s", d)
	}
	b.AccQA, b.AccGQA = nil, nil
	got, err = AcrossSeeds([]Report{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 9 {
		t.Errorf("AcrossSeeds with Acc in one report only: %d stats, want 9 (no Acc)", len(got))
	}
	if _, err := AcrossSeeds([]Report{a, {N: 3}}); err == nil || !strings.Contains(err.Error(), "report 1 has n=3") {
		t.Errorf("AcrossSeeds with different n: error = %v", err)
	}
	if _, err := AcrossSeeds(nil); err == nil {
		t.Error("AcrossSeeds(nil): no error")
	}
}
