package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/videodit/videodit/heads"
)

// QAItem is one line of the benchmark's qa.jsonl: a NExT-GQA style grounded
// question.
type QAItem struct {
	Video string
	// QID is the question id; a JSON number is kept as its decimal text.
	QID      string
	Question string
	// Choices are the five candidate answers; Answer indexes the correct one
	// and AnswerText repeats its text.
	Choices    [5]string
	Answer     int
	AnswerText string
	// Kind is the question kind (colour, shape, count, yes-no, after...).
	Kind string
	// Evidence holds the evidence spans in seconds, at least one.
	Evidence []heads.Span
	// Line is the 1-based line in the file.
	Line int
}

type qaLine struct {
	Video      *string         `json:"video"`
	QID        json.RawMessage `json:"qid"`
	Question   *string         `json:"question"`
	Choices    []string        `json:"choices"`
	Answer     *int            `json:"answer"`
	AnswerText *string         `json:"answer_text"`
	Kind       string          `json:"kind"`
	Evidence   [][]*float64    `json:"evidence"`
}

// ReadQAJSONL reads the benchmark's qa.jsonl: one JSON object per line,
// {"video", "qid", "question", "choices": [5 strings], "answer": index,
// "answer_text", "kind", "evidence": [[start, end], ...]}. Blank lines and
// CRLF line ends are tolerated; unknown fields are ignored. Errors name the
// file and line: malformed JSON, a missing video, qid or question, not five
// choices, an answer index outside 0-4, an answer_text that differs from
// the indexed choice, no evidence span, a span that is not two finite
// numbers, starts before 0 or ends before it starts, a (video, qid) pair
// seen before.
func ReadQAJSONL(r io.Reader, name string) ([]QAItem, error) {
	var out []QAItem
	seen := map[[2]string]int{}
	err := eachLine(r, name, func(n int, line string) error {
		it, err := parseQALine(line)
		if err != nil {
			return parseErr(name, n, "%v", err)
		}
		k := [2]string{it.Video, it.QID}
		if prev, dup := seen[k]; dup {
			return parseErr(name, n, "video %s question %s already on line %d", it.Video, it.QID, prev)
		}
		seen[k] = n
		it.Line = n
		out = append(out, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dataset: qa.jsonl: %w", err)
	}
	return out, nil
}

// ReadQAJSONLFile is ReadQAJSONL on the file at path.
func ReadQAJSONLFile(path string) ([]QAItem, error) {
	return readPath(path, ReadQAJSONL)
}

func parseQALine(line string) (QAItem, error) {
	var raw qaLine
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(&raw); err != nil {
		return QAItem{}, fmt.Errorf("malformed JSON: %v", err)
	}
	if dec.More() {
		return QAItem{}, errors.New("more than one JSON value on the line")
	}
	var it QAItem
	switch {
	case raw.Video == nil || *raw.Video == "":
		return it, errors.New(`no "video"`)
	case raw.Question == nil || strings.TrimSpace(*raw.Question) == "":
		return it, errors.New(`no "question"`)
	case len(raw.Choices) != len(it.Choices):
		return it, fmt.Errorf("%d choices, want %d", len(raw.Choices), len(it.Choices))
	case raw.Answer == nil:
		return it, errors.New(`no "answer"`)
	case *raw.Answer < 0 || *raw.Answer >= len(it.Choices):
		return it, fmt.Errorf("answer index %d outside 0-%d", *raw.Answer, len(it.Choices)-1)
	case len(raw.Evidence) == 0:
		return it, errors.New("no evidence span")
	}
	qid, err := qidText(raw.QID)
	if err != nil {
		return it, err
	}
	it = QAItem{Video: *raw.Video, QID: qid, Question: *raw.Question, Answer: *raw.Answer, Kind: raw.Kind}
	copy(it.Choices[:], raw.Choices)
	it.AnswerText = it.Choices[it.Answer]
	if raw.AnswerText != nil && *raw.AnswerText != it.AnswerText {
		return it, fmt.Errorf("answer_text %q differs from choice %d %q", *raw.AnswerText, it.Answer, it.AnswerText)
	}
	for i, e := range raw.Evidence {
		if len(e) != 2 || e[0] == nil || e[1] == nil {
			return it, fmt.Errorf("evidence span %d is not [start, end]", i)
		}
		s := heads.Span{Start: *e[0], End: *e[1]}
		if err := checkSpan(s); err != nil {
			return it, fmt.Errorf("evidence span %d: %v", i, err)
		}
		it.Evidence = append(it.Evidence, s)
	}
	return it, nil
}

// qidText accepts a qid written as a JSON string or a JSON integer.
func qidText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New(`no "qid"`)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s == "" {
			return "", errors.New(`empty "qid"`)
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if _, err := n.Int64(); err == nil {
			return n.String(), nil
		}
	}
	return "", fmt.Errorf("qid %s is neither a string nor an integer", raw)
}
