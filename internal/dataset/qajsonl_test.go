package dataset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/heads"
)

func TestReadQAJSONLFile(t *testing.T) {
	got, err := ReadQAJSONLFile("testdata/qa_sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := []QAItem{
		{Video: "000001", QID: "q0", Question: "What colour is the object that touches the small square?",
			Choices: [5]string{"red", "green", "blue", "yellow", "purple"}, Answer: 2, AnswerText: "blue", Kind: "colour",
			Evidence: []heads.Span{{Start: 3.25, End: 6.5}}, Line: 1},
		{Video: "000001", QID: "7", Question: "How many times does the red circle stop?",
			Choices: [5]string{"0", "1", "2", "3", "4"}, Answer: 2, AnswerText: "2", Kind: "count",
			Evidence: []heads.Span{{Start: 1, End: 2.5}, {Start: 8.125, End: 9}}, Line: 3},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadQAJSONLFile (-want +got):\n%s", d)
	}
}

func TestReadQAJSONLErrors(t *testing.T) {
	const ok = `{"video":"v","qid":"1","question":"q?","choices":["a","b","c","d","e"],"answer":0,"evidence":[[0,1]]}`
	mod := func(old, new string) string { return strings.Replace(ok, old, new, 1) }
	tests := []struct{ name, in, want string }{
		{"malformed", ok + "\n{\"video\":", "qa.jsonl:2: malformed JSON"},
		{"two values", ok + " {}", "qa.jsonl:1: more than one JSON value"},
		{"no video", mod(`"video":"v",`, ""), `qa.jsonl:1: no "video"`},
		{"no qid", mod(`"qid":"1",`, ""), `no "qid"`},
		{"float qid", mod(`"qid":"1"`, `"qid":1.5`), "qid 1.5 is neither a string nor an integer"},
		{"no question", mod(`"question":"q?",`, ""), `no "question"`},
		{"four choices", mod(`"a","b","c","d","e"`, `"a","b","c","d"`), "4 choices, want 5"},
		{"no answer", mod(`"answer":0,`, ""), `no "answer"`},
		{"answer out of range", mod(`"answer":0`, `"answer":5`), "answer index 5 outside 0-4"},
		{"answer text differs", mod(`"answer":0`, `"answer":0,"answer_text":"b"`), `answer_text "b" differs from choice 0 "a"`},
		{"no evidence", mod(`"evidence":[[0,1]]`, `"evidence":[]`), "no evidence span"},
		{"evidence not a pair", mod(`[[0,1]]`, `[[0,1,2]]`), "evidence span 0 is not [start, end]"},
		{"evidence reversed", mod(`[[0,1]]`, `[[0,1],[3,2]]`), "evidence span 1: span [3, 2]: end before start"},
		{"duplicate", ok + "\r\n\r\n" + ok, "qa.jsonl:3: video v question 1 already on line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadQAJSONL(strings.NewReader(tc.in), "qa.jsonl")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func FuzzQAJSONL(f *testing.F) {
	f.Add(`{"video":"v","qid":"1","question":"q?","choices":["a","b","c","d","e"],"answer":0,"answer_text":"a","kind":"colour","evidence":[[0,1]]}`)
	f.Add(`{"video":"v","qid":7,"question":"q?","choices":["a","b","c","d","e"],"answer":4,"evidence":[[0,1],[2,1]]}` + "\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		items, err := ReadQAJSONL(strings.NewReader(in), "fuzz.jsonl")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.jsonl") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		for _, it := range items {
			if it.Answer < 0 || it.Answer > 4 || it.Choices[it.Answer] != it.AnswerText || it.Video == "" || it.QID == "" || len(it.Evidence) == 0 {
				t.Fatalf("line %d: accepted a bad item %+v", it.Line, it)
			}
			for _, s := range it.Evidence {
				if checkSpan(s) != nil {
					t.Fatalf("line %d: accepted span %v", it.Line, s)
				}
			}
		}
	})
}
