package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/videodit/videodit/heads"
)

// MaxJSON is the largest NExT-GQA span file ReadNExTGQASpans accepts, in
// bytes (the real gsub_test.json is about 1 MB).
const MaxJSON = 256 << 20

// GQAVideo is one video of a NExT-GQA gsub_{val,test}.json file.
type GQAVideo struct {
	Video string
	// Duration is the video length in seconds; FPS its frame rate (0 when
	// the file omits it).
	Duration, FPS float64
	// Locations maps a question id to its evidence spans in seconds, in the
	// file's order, clipped to [0, Duration].
	Locations map[string][]heads.Span
	// Clipped counts the spans whose end lay past Duration.
	Clipped int
	// Line is the 1-based line of the video's key in the file.
	Line int
}

type gsubVideo struct {
	Duration *float64                `json:"duration"`
	FPS      *float64                `json:"fps"`
	Location map[string][][]*float64 `json:"location"`
}

// ReadNExTGQASpans reads a NExT-GQA grounding file, gsub_val.json or
// gsub_test.json: an object mapping a video id to {"duration": seconds,
// "location": {qid: [[start, end], ...]}, "fps": rate}. Unknown fields are
// ignored. Errors name the file, the line of the video's key and what is
// wrong: malformed JSON, a missing or non-positive duration, a negative fps,
// a question with no span, a span that is not two finite numbers, starts
// before 0 or ends before it starts, a video listed twice.
func ReadNExTGQASpans(r io.Reader, name string) (map[string]GQAVideo, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxJSON+1))
	if err != nil {
		return nil, fmt.Errorf("dataset: NExT-GQA spans: %s: %w", name, err)
	}
	if len(data) > MaxJSON {
		return nil, fmt.Errorf("dataset: NExT-GQA spans: %s: larger than %d bytes", name, MaxJSON)
	}
	out, err := parseGsub(data, name)
	if err != nil {
		return nil, fmt.Errorf("dataset: NExT-GQA spans: %w", err)
	}
	return out, nil
}

// ReadNExTGQASpansFile is ReadNExTGQASpans on the file at path.
func ReadNExTGQASpansFile(path string) (map[string]GQAVideo, error) {
	return readPath(path, ReadNExTGQASpans)
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func parseGsub(data []byte, name string) (map[string]GQAVideo, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	jsonErr := func(err error) error {
		off := dec.InputOffset()
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = te.Offset
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			err = errors.New("unexpected end of JSON")
		}
		return parseErr(name, lineAt(data, off), "%v", err)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	if tok != json.Delim('{') {
		return nil, parseErr(name, lineAt(data, dec.InputOffset()), "want a JSON object of videos, got %v", tok)
	}
	out := map[string]GQAVideo{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(err)
		}
		vid, ok := tok.(string)
		if !ok { // the decoder reports a bad key itself; kept as a guard
			return nil, parseErr(name, lineAt(data, dec.InputOffset()), "video key %v is not a string", tok)
		}
		line := lineAt(data, dec.InputOffset())
		var raw gsubVideo
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonErr(err)
		}
		if prev, dup := out[vid]; dup {
			return nil, parseErr(name, line, "video %s listed twice (first on line %d)", vid, prev.Line)
		}
		v, err := gsubToVideo(vid, raw)
		if err != nil {
			return nil, parseErr(name, line, "video %s: %v", vid, err)
		}
		v.Line = line
		out[vid] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonErr(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, parseErr(name, lineAt(data, dec.InputOffset()), "data after the top-level object")
	}
	return out, nil
}

func gsubToVideo(vid string, raw gsubVideo) (GQAVideo, error) {
	v := GQAVideo{Video: vid, Locations: map[string][]heads.Span{}}
	if raw.Duration == nil {
		return v, errors.New(`no "duration"`)
	}
	if err := checkDuration(*raw.Duration); err != nil {
		return v, err
	}
	v.Duration = *raw.Duration
	if raw.FPS != nil {
		if !(*raw.FPS >= 0) {
			return v, fmt.Errorf("fps %g, want >= 0", *raw.FPS)
		}
		v.FPS = *raw.FPS
	}
	qids := make([]string, 0, len(raw.Location))
	for q := range raw.Location {
		qids = append(qids, q)
	}
	sort.Strings(qids) // deterministic error choice
	for _, q := range qids {
		locs := raw.Location[q]
		if len(locs) == 0 {
			return v, fmt.Errorf("question %s: no span", q)
		}
		spans := make([]heads.Span, len(locs))
		for i, l := range locs {
			if len(l) != 2 || l[0] == nil || l[1] == nil {
				return v, fmt.Errorf("question %s: span %d is not [start, end]", q, i)
			}
			s := heads.Span{Start: *l[0], End: *l[1]}
			if err := checkSpan(s); err != nil {
				return v, fmt.Errorf("question %s: span %d: %v", q, i, err)
			}
			var c bool
			spans[i], c = clip(s, v.Duration)
			if c {
				v.Clipped++
			}
		}
		v.Locations[q] = spans
	}
	return v, nil
}
