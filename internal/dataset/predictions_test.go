package dataset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/heads"
)

func TestReadPredictions(t *testing.T) {
	tests := []struct {
		name, in string
		want     []heads.Query
	}{
		{
			name: "grounding",
			in:   "{\"id\":\"a\",\"gt\":[[0,10]],\"pred\":[[0,5],[1,2]]}\r\n\r\n{\"id\":\"b\",\"gt\":[[1,2],[3,4]],\"pred\":[],\"extra\":1}\n{\"id\":\"c\",\"gt\":[[1,2]],\"pred\":[[5,3]]}\n",
			want: []heads.Query{
				{ID: "a", GT: []heads.Span{{Start: 0, End: 10}}, Pred: []heads.Span{{Start: 0, End: 5}, {Start: 1, End: 2}}},
				{ID: "b", GT: []heads.Span{{Start: 1, End: 2}, {Start: 3, End: 4}}},
				{ID: "c", GT: []heads.Span{{Start: 1, End: 2}}, Pred: []heads.Span{{Start: 5, End: 3}}},
			},
		},
		{
			name: "QA",
			in:   `{"id":"a","gt":[[0,10]],"pred":[[0,5]],"answer":"Red","prediction":" red"}`,
			want: []heads.Query{{ID: "a", GT: []heads.Span{{Start: 0, End: 10}}, Pred: []heads.Span{{Start: 0, End: 5}}, Answered: true, Answer: "Red", Prediction: " red"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadPredictions(strings.NewReader(tc.in), "p.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("ReadPredictions (-want +got):\n%s", d)
			}
		})
	}
}

func TestReadPredictionsErrors(t *testing.T) {
	const ok = `{"id":"a","gt":[[0,10]],"pred":[[0,5]]}`
	tests := []struct{ name, in, want string }{
		{"empty", "\n\n", "p.jsonl: no lines"},
		{"malformed", ok + "\n{\"id\":", "p.jsonl:2: malformed JSON"},
		{"no id", `{"gt":[[0,1]]}`, `p.jsonl:1: no "id"`},
		{"no gt", `{"id":"x","pred":[[0,1]]}`, `p.jsonl:1: id "x": no ground-truth span`},
		{"reversed gt", `{"id":"x","gt":[[2,1]]}`, `id "x": gt span 0: span [2, 1]: end before start`},
		{"short pred", `{"id":"x","gt":[[0,1]],"pred":[[1]]}`, `id "x": pred span 0 is not [start, end]`},
		{"null gt", `{"id":"x","gt":[[0,null]]}`, `gt span 0 is not [start, end]`},
		{"string time", `{"id":"x","gt":[["0",1]]}`, "malformed JSON"},
		{"answer only", `{"id":"x","gt":[[0,1]],"answer":"a"}`, `"answer" without "prediction"`},
		{"prediction only", `{"id":"x","gt":[[0,1]],"prediction":"a"}`, `"prediction" without "answer"`},
		{"mixed", ok + "\n" + `{"id":"b","gt":[[0,1]],"answer":"a","prediction":"a"}`, `p.jsonl:2: id "b": answer fields present is true, but false on line 1`},
		{"duplicate id", ok + "\n" + ok, `p.jsonl:2: id "a" already on line 1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPredictions(strings.NewReader(tc.in), "p.jsonl")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func FuzzPredictions(f *testing.F) {
	f.Add(`{"id":"a","gt":[[0,10]],"pred":[[0,5],[1,2]],"answer":"x","prediction":"y"}` + "\n" + `{"id":"b","gt":[[0,1]],"pred":[],"answer":"x","prediction":"x"}`)
	f.Add(`{"id":"a","gt":[[2,1]],"pred":[[5,3]]}`)
	f.Fuzz(func(t *testing.T, in string) {
		qs, err := ReadPredictions(strings.NewReader(in), "fuzz.jsonl")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.jsonl") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		// Whatever the reader accepts, Evaluate must accept.
		r, err := heads.Evaluate(qs)
		if err != nil {
			t.Fatalf("Evaluate rejected what ReadPredictions accepted: %v", err)
		}
		if r.N != len(qs) || r.MIoU < 0 || r.MIoU > 100 || r.MIoP < 0 || r.MIoP > 100 {
			t.Fatalf("report out of range: %+v", r)
		}
	})
}
