package synth

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want [2]int
		ok   bool
	}{
		{"128x128", [2]int{128, 128}, true},
		{"64x32", [2]int{64, 32}, true},
		{"128", [2]int{}, false},
		{"0x10", [2]int{}, false},
		{"10x-2", [2]int{}, false},
		{"axb", [2]int{}, false},
		{"", [2]int{}, false},
	}
	for _, tc := range tests {
		w, h, err := ParseSize(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseSize(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if diff := cmp.Diff(tc.want, [2]int{w, h}); tc.ok && diff != "" {
			t.Errorf("ParseSize(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in   string
		want [2]float64
		ok   bool
	}{
		{"10-40", [2]float64{10, 40}, true},
		{"2.5-3", [2]float64{2.5, 3}, true},
		{"7", [2]float64{7, 7}, true},
		{"40-10", [2]float64{}, false},
		{"-3", [2]float64{}, false},
		{"NaN-4", [2]float64{}, false},
		{"1-Inf", [2]float64{}, false},
		{"x", [2]float64{}, false},
	}
	for _, tc := range tests {
		lo, hi, err := ParseRange(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseRange(%q) error %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if diff := cmp.Diff(tc.want, [2]float64{lo, hi}); tc.ok && diff != "" {
			t.Errorf("ParseRange(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"mp4", FormatMP4, true},
		{"png", FormatPNG, true},
		{"mp4,png", FormatMP4 | FormatPNG, true},
		{"png, mp4", FormatMP4 | FormatPNG, true},
		{"gif", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestConfigDefaultsAndErrors(t *testing.T) {
	got, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Split: "test", Width: 128, Height: 128, FPS: 8, MinDuration: 10, MaxDuration: 40,
		MinEntities: 2, MaxEntities: 6, Queries: 6, QA: 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	bad := map[string]Config{
		"odd width":      {Width: 127},
		"tiny":           {Width: 16, Height: 16},
		"fps":            {FPS: -1},
		"durations":      {MinDuration: 5, MaxDuration: 2},
		"entities":       {MinEntities: 3, MaxEntities: 9},
		"split with /":   {Split: "a/b"},
		"pan":            {Pan: 7},
		"negative count": {Queries: -1},
	}
	for name, c := range bad {
		if _, err := Generate(c, 1, 0); err == nil {
			t.Errorf("%s: Generate(%+v) succeeded, want an error", name, c)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	f.Add("128x128")
	f.Add("x")
	f.Fuzz(func(t *testing.T, s string) {
		w, h, err := ParseSize(s)
		if err == nil && (w <= 0 || h <= 0) {
			t.Fatalf("ParseSize(%q) = %d, %d without error", s, w, h)
		}
	})
}

func FuzzParseRange(f *testing.F) {
	f.Add("10-40")
	f.Add("1e308-Inf")
	f.Fuzz(func(t *testing.T, s string) {
		lo, hi, err := ParseRange(s)
		if err == nil && !(0 <= lo && lo <= hi && !math.IsInf(hi, 0)) {
			t.Fatalf("ParseRange(%q) = %v, %v without error", s, lo, hi)
		}
	})
}

func FuzzParseFormat(f *testing.F) {
	f.Add("mp4,png")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFormat(s)
		if err == nil && (got == 0 || got&^(FormatMP4|FormatPNG) != 0) {
			t.Fatalf("ParseFormat(%q) = %v without error", s, got)
		}
	})
}
