package dataset

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/videodit/videodit/heads"
)

// Moment is one line of a Charades-STA annotation file:
// "VIDEO START END##SENTENCE", times in seconds.
type Moment struct {
	Video string
	// Span is the annotated moment, clipped to the video's duration when
	// the reader was given one.
	Span heads.Span
	// Query is the sentence, trimmed of surrounding white space.
	Query string
	// Line is the 1-based line number in the file.
	Line int
	// Clipped reports that the annotated end (and start) lay past the
	// video's duration and was moved to it.
	Clipped bool
}

// ReadCharadesSTA reads the Charades-STA text format (also the benchmark's
// charades.txt): one "VIDEO START END##SENTENCE" per line. It tolerates CRLF
// line ends, a byte-order mark and blank lines. durations maps a video to
// its length in seconds; when a video is in it, spans are clipped to
// [0, duration] (the real test file has end times past the video's end); it
// may be nil. name is used in errors, which name the line: a missing "##",
// not exactly three fields before it, a time that is not a finite number, a
// negative start, an end before the start, an empty sentence, or a known
// duration that is not positive.
func ReadCharadesSTA(r io.Reader, name string, durations map[string]float64) ([]Moment, error) {
	var out []Moment
	err := eachLine(r, name, func(n int, line string) error {
		head, sentence, ok := strings.Cut(line, "##")
		if !ok {
			return parseErr(name, n, `no "##" between the times and the sentence`)
		}
		f := strings.Fields(head)
		if len(f) != 3 {
			return parseErr(name, n, `%d fields before "##", want 3 (video start end)`, len(f))
		}
		var t [2]float64
		for i, s := range f[1:] {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return parseErr(name, n, "%s time %q is not a finite number", [2]string{"start", "end"}[i], s)
			}
			t[i] = v
		}
		span := heads.Span{Start: t[0], End: t[1]}
		if err := checkSpan(span); err != nil {
			return parseErr(name, n, "video %s: %v", f[0], err)
		}
		q := strings.TrimSpace(sentence)
		if q == "" {
			return parseErr(name, n, "video %s: empty sentence", f[0])
		}
		m := Moment{Video: f[0], Span: span, Query: q, Line: n}
		if d, ok := durations[f[0]]; ok {
			if err := checkDuration(d); err != nil {
				return parseErr(name, n, "video %s: %v", f[0], err)
			}
			m.Span, m.Clipped = clip(span, d)
		}
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dataset: Charades-STA: %w", err)
	}
	return out, nil
}

// ReadCharadesSTAFile is ReadCharadesSTA on the file at path.
func ReadCharadesSTAFile(path string, durations map[string]float64) ([]Moment, error) {
	return readPath(path, func(r io.Reader, name string) ([]Moment, error) {
		return ReadCharadesSTA(r, name, durations)
	})
}
