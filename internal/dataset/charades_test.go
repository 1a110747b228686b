package dataset

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/heads"
)

func TestReadCharadesSTAFile(t *testing.T) {
	got, err := ReadCharadesSTAFile("testdata/charades_sta_sample.txt", map[string]float64{"ZZ001": 33.5})
	if err != nil {
		t.Fatal(err)
	}
	want := []Moment{
		{Video: "3MSZA", Span: heads.Span{Start: 24.3, End: 30.4}, Query: "person turn a light on.", Line: 1},
		{Video: "AMT7R", Span: heads.Span{Start: 4.3, End: 12.5}, Query: "a person is putting a picture onto the wall.", Line: 3},
		{Video: "ZZ001", Span: heads.Span{Start: 20.1, End: 33.5}, Query: "person opens the door.", Line: 5, Clipped: true},
		{Video: "ZZ001", Span: heads.Span{Start: 33.5, End: 33.5}, Query: "person closes the door.", Line: 6, Clipped: true},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadCharadesSTAFile (-want +got):\n%s", d)
	}
}

func TestReadCharadesSTAErrors(t *testing.T) {
	tests := []struct {
		name, in string
		dur      map[string]float64
		want     string
	}{
		{"no ##", "A 1 2 person sits\n", nil, `f.txt:1: no "##"`},
		{"two fields", "ok 1 2##fine\nA 1##x\n", nil, `f.txt:2: 2 fields before "##", want 3`},
		{"bad number", "A 1 two##x\n", nil, `f.txt:1: end time "two" is not a finite number`},
		{"NaN", "A NaN 2##x\n", nil, `start time "NaN" is not a finite number`},
		{"Inf", "A 1 +Inf##x\n", nil, `end time "+Inf"`},
		{"reversed", "A 5 2##x\n", nil, "f.txt:1: video A: span [5, 2]: end before start"},
		{"negative", "A -1 2##x\n", nil, "starts before 0"},
		{"empty sentence", "\n\nA 1 2## \n", nil, "f.txt:3: video A: empty sentence"},
		{"bad duration", "A 1 2##x\n", map[string]float64{"A": 0}, "video A: duration 0"},
		{"line too long", "A 1 2##" + strings.Repeat("x", MaxLine) + "\n", nil, "f.txt:1: line longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCharadesSTA(strings.NewReader(tc.in), "f.txt", tc.dur)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "f.txt" {
				t.Errorf("error %v is not a *ParseError naming f.txt", err)
			}
		})
	}
}

func TestReadCharadesSTAFileMissing(t *testing.T) {
	if _, err := ReadCharadesSTAFile("testdata/no-such-file.txt", nil); err == nil || !strings.Contains(err.Error(), "no-such-file.txt") {
		t.Errorf("error = %v, want one naming the file", err)
	}
}

func FuzzCharadesSTA(f *testing.F) {
	f.Add("3MSZA 24.3 30.4##person turn a light on.\r\n\r\nA 1 2##x\n", 10.0)
	f.Add("A 5 2##x", 0.0)
	f.Add("A 1e400 2##x\nB", 3.0)
	f.Fuzz(func(t *testing.T, in string, dur float64) {
		ms, err := ReadCharadesSTA(strings.NewReader(in), "fuzz.txt", map[string]float64{"A": dur})
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.txt") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		for _, m := range ms {
			if err := checkSpan(m.Span); err != nil {
				t.Fatalf("line %d: accepted invalid span: %v", m.Line, err)
			}
			if m.Video == "A" && m.Span.End > dur {
				t.Fatalf("line %d: span %v not clipped to %g", m.Line, m.Span, dur)
			}
			if strings.TrimSpace(m.Query) == "" || m.Video == "" {
				t.Fatalf("line %d: empty video or query", m.Line)
			}
		}
	})
}
