package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/videodit/videodit/heads"
)

type predLine struct {
	ID         *string      `json:"id"`
	GT         [][]*float64 `json:"gt"`
	Pred       [][]*float64 `json:"pred"`
	Answer     *string      `json:"answer"`
	Prediction *string      `json:"prediction"`
}

// ReadPredictions reads an evaluation file for heads.Evaluate: one JSON
// object per line, {"id": "...", "gt": [[start, end], ...], "pred":
// [[start, end], ...], "answer": "...", "prediction": "..."}, times in
// seconds, "pred" ranked best first (it may be empty: no prediction). The
// answer fields are optional, but a line has both or neither, and either
// every line has them or none does. Blank lines and CRLF are tolerated,
// unknown fields ignored. Errors name the file and line: malformed JSON, a
// missing or empty or repeated id, no ground-truth span, a span that is not
// two numbers, a ground-truth span that starts before 0 or ends before it
// starts (a reversed prediction is accepted and scores 0), one answer field
// without the other, a mix of lines with and without answers, no line.
func ReadPredictions(r io.Reader, name string) ([]heads.Query, error) {
	var out []heads.Query
	seen := map[string]int{}
	firstLine := 0
	err := eachLine(r, name, func(n int, line string) error {
		q, err := parsePredLine(line)
		if err != nil {
			return parseErr(name, n, "%v", err)
		}
		if prev, dup := seen[q.ID]; dup {
			return parseErr(name, n, "id %q already on line %d", q.ID, prev)
		}
		seen[q.ID] = n
		if len(out) == 0 {
			firstLine = n
		} else if q.Answered != out[0].Answered {
			return parseErr(name, n, "id %q: answer fields present is %v, but %v on line %d: mix of QA and non-QA lines",
				q.ID, q.Answered, out[0].Answered, firstLine)
		}
		out = append(out, q)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dataset: predictions: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("dataset: predictions: %s: no lines", name)
	}
	return out, nil
}

// ReadPredictionsFile is ReadPredictions on the file at path.
func ReadPredictionsFile(path string) ([]heads.Query, error) {
	return readPath(path, ReadPredictions)
}

func parsePredLine(line string) (heads.Query, error) {
	var raw predLine
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(&raw); err != nil {
		return heads.Query{}, fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return heads.Query{}, errors.New("more than one JSON value on the line")
	}
	if raw.ID == nil || *raw.ID == "" {
		return heads.Query{}, errors.New(`no "id"`)
	}
	q := heads.Query{ID: *raw.ID}
	if len(raw.GT) == 0 {
		return q, fmt.Errorf("id %q: no ground-truth span", q.ID)
	}
	var err error
	if q.GT, err = spans(raw.GT, "gt", q.ID, true); err != nil {
		return q, err
	}
	if q.Pred, err = spans(raw.Pred, "pred", q.ID, false); err != nil {
		return q, err
	}
	switch {
	case raw.Answer != nil && raw.Prediction != nil:
		q.Answered, q.Answer, q.Prediction = true, *raw.Answer, *raw.Prediction
	case raw.Answer != nil:
		return q, fmt.Errorf(`id %q: "answer" without "prediction"`, q.ID)
	case raw.Prediction != nil:
		return q, fmt.Errorf(`id %q: "prediction" without "answer"`, q.ID)
	}
	return q, nil
}

func spans(raw [][]*float64, field, id string, check bool) ([]heads.Span, error) {
	var out []heads.Span
	for i, p := range raw {
		if len(p) != 2 || p[0] == nil || p[1] == nil {
			return nil, fmt.Errorf("id %q: %s span %d is not [start, end]", id, field, i)
		}
		s := heads.Span{Start: *p[0], End: *p[1]}
		if check {
			if err := checkSpan(s); err != nil {
				return nil, fmt.Errorf("id %q: %s span %d: %v", id, field, i, err)
			}
		}
		out = append(out, s)
	}
	return out, nil
}
