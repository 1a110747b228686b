package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// GQAQuestion is one row of a NExT-GQA QA file (train.csv, val.csv,
// test.csv).
type GQAQuestion struct {
	Video, QID, Question string
	// Choices are the five candidate answers a0..a4; Answer indexes the
	// correct one and AnswerText is its text as the file gives it.
	Choices    [5]string
	Answer     int
	AnswerText string
	// Type is the question type (CW, CH, TN, TC, ...), "" when absent.
	Type string
	// FrameCount, Width and Height describe the video; 0 when absent.
	FrameCount, Width, Height int
	// Line is the 1-based line of the row in the file.
	Line int
}

// gqaRequired are the columns every NExT-GQA QA file has; the video column
// is "video_id" in NExT-GQA's files and "video" in NExT-QA's.
var gqaRequired = []string{"question", "answer", "qid", "a0", "a1", "a2", "a3", "a4"}

// ReadNExTGQAQuestions reads a NExT-GQA QA CSV file. Its header names the
// columns, in any order: video_id (or video), frame_count, width, height,
// question, answer, qid, type, a0, a1, a2, a3, a4; frame_count, width,
// height and type are optional, other columns are ignored. answer is the
// correct choice's text (NExT-GQA) or its index 0-4 (NExT-QA); text is
// matched against a0..a4 after trimming white space, and the first matching
// choice wins. Errors name the file and line: a missing column, a row with
// the wrong number of fields, an empty video or qid, an answer that is none
// of the choices, a number that does not parse.
func ReadNExTGQAQuestions(r io.Reader, name string) ([]GQAQuestion, error) {
	qs, err := readGQACSV(r, name)
	if err != nil {
		return nil, fmt.Errorf("dataset: NExT-GQA questions: %w", err)
	}
	return qs, nil
}

// ReadNExTGQAQuestionsFile is ReadNExTGQAQuestions on the file at path.
func ReadNExTGQAQuestionsFile(path string) ([]GQAQuestion, error) {
	return readPath(path, ReadNExTGQAQuestions)
}

func readGQACSV(r io.Reader, name string) ([]GQAQuestion, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = false
	csvErr := func(err error) error {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return parseErr(name, pe.Line, "%v", pe.Err)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, parseErr(name, 1, "empty file, want a header")
	}
	if err != nil {
		return nil, csvErr(err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup {
			return nil, parseErr(name, 1, "column %q twice in the header", h)
		}
		col[h] = i
	}
	if _, ok := col["video_id"]; !ok {
		if i, ok := col["video"]; ok {
			col["video_id"] = i
		} else {
			return nil, parseErr(name, 1, `no "video_id" (or "video") column`)
		}
	}
	for _, c := range gqaRequired {
		if _, ok := col[c]; !ok {
			return nil, parseErr(name, 1, "no %q column", c)
		}
	}
	var out []GQAQuestion
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		q, err := gqaRow(rec, col)
		if err != nil {
			return nil, parseErr(name, line, "%v", err)
		}
		q.Line = line
		out = append(out, q)
	}
}

func gqaRow(rec []string, col map[string]int) (GQAQuestion, error) {
	get := func(c string) string {
		if i, ok := col[c]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	q := GQAQuestion{
		Video:      get("video_id"),
		QID:        get("qid"),
		Question:   get("question"),
		AnswerText: get("answer"),
		Type:       get("type"),
	}
	if q.Video == "" || q.QID == "" {
		return q, errors.New("empty video id or qid")
	}
	for i := range q.Choices {
		q.Choices[i] = get("a" + strconv.Itoa(i))
	}
	q.Answer = -1
	for i, c := range q.Choices {
		if c == q.AnswerText {
			q.Answer = i
			break
		}
	}
	if q.Answer < 0 {
		i, err := strconv.Atoi(q.AnswerText)
		if err != nil || i < 0 || i >= len(q.Choices) {
			return q, fmt.Errorf("question %s of video %s: answer %q is none of a0..a4 and not an index 0-4", q.QID, q.Video, q.AnswerText)
		}
		q.Answer, q.AnswerText = i, q.Choices[i]
	}
	for _, f := range []struct {
		col string
		dst *int
	}{{"frame_count", &q.FrameCount}, {"width", &q.Width}, {"height", &q.Height}} {
		s := get(f.col)
		if s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return q, fmt.Errorf("%s %q is not a count", f.col, s)
		}
		*f.dst = v
	}
	return q, nil
}
