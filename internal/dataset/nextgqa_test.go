package dataset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/heads"
)

func TestReadNExTGQASpansFile(t *testing.T) {
	got, err := ReadNExTGQASpansFile("testdata/gsub_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]GQAVideo{
		"1000001": {
			Video: "1000001", Duration: 34, FPS: 29.97, Line: 2, Clipped: 1,
			Locations: map[string][]heads.Span{
				"1": {{Start: 1.2, End: 5.8}},
				"3": {{Start: 12.1, End: 17.1}, {Start: 20, End: 23.5}, {Start: 29.7, End: 34}},
			},
		},
		"1000002": {
			Video: "1000002", Duration: 12.5, FPS: 25, Line: 10,
			Locations: map[string][]heads.Span{"0": {{Start: 0, End: 12.5}}},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadNExTGQASpansFile (-want +got):\n%s", d)
	}
}

func TestReadNExTGQASpansErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not an object", `[1]`, "g.json:1: want a JSON object"},
		{"syntax error", "{\n\"a\": {\"duration\": 3,,}}", "g.json:2: invalid character ','"},
		{"truncated", "{\n\"a\": {\"duration\": 3", "g.json:2: unexpected end of JSON"},
		{"wrong type", "{\"a\": {\"duration\": \"3\"}}", "g.json:1: json: cannot unmarshal string"},
		{"no duration", "{\n\"a\": {\"location\": {}}}", `g.json:2: video a: no "duration"`},
		{"zero duration", `{"a": {"duration": 0}}`, "video a: duration 0"},
		{"negative fps", `{"a": {"duration": 3, "fps": -1}}`, "video a: fps -1"},
		{"no span", `{"a": {"duration": 3, "location": {"4": []}}}`, "video a: question 4: no span"},
		{"one number", `{"a": {"duration": 3, "location": {"4": [[1]]}}}`, "question 4: span 0 is not [start, end]"},
		{"null", `{"a": {"duration": 3, "location": {"4": [[1, null]]}}}`, "span 0 is not [start, end]"},
		{"reversed", `{"a": {"duration": 3, "location": {"4": [[0, 1], [2, 1]]}}}`, "question 4: span 1: span [2, 1]: end before start"},
		{"twice", "{\"a\": {\"duration\": 3},\n\"a\": {\"duration\": 3}}", "g.json:2: video a listed twice (first on line 1)"},
		{"trailing data", `{"a": {"duration": 3}} {}`, "data after the top-level object"},
		{"empty", ``, "g.json:1: unexpected end of JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNExTGQASpans(strings.NewReader(tc.in), "g.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReadNExTGQAQuestionsFile(t *testing.T) {
	got, err := ReadNExTGQAQuestionsFile("testdata/nextgqa_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []GQAQuestion{
		{Video: "1000001", QID: "1", Question: "what did the boy do after he picked up the ball",
			Choices: [5]string{"sit down", "throw it", "run away", "cry, then laugh", "wave"}, Answer: 1, AnswerText: "throw it",
			Type: "TN", FrameCount: 1019, Width: 640, Height: 480, Line: 2},
		{Video: "1000001", QID: "3", Question: "why did the dog bark at the start",
			Choices: [5]string{"hungry", "wants to play", "scared", "sleeping", "chasing cat"}, Answer: 1, AnswerText: "wants to play",
			Type: "CW", FrameCount: 1019, Width: 640, Height: 480, Line: 3},
		{Video: "1000003", QID: "2", Question: "how does the lady hold the cup",
			Choices: [5]string{"with both hands", "on her head", "in her mouth", "with a spoon", "upside down"}, Answer: 0, AnswerText: "with both hands",
			Type: "CH", FrameCount: 700, Width: 320, Height: 240, Line: 4},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadNExTGQAQuestionsFile (-want +got):\n%s", d)
	}

	videos, err := ReadNExTGQASpansFile("testdata/gsub_sample.json")
	if err != nil {
		t.Fatal(err)
	}
	items, unmatched := JoinNExTGQA(videos, got)
	wantItems := []GQAItem{
		{GQAQuestion: want[0], Evidence: []heads.Span{{Start: 1.2, End: 5.8}}, Duration: 34},
		{GQAQuestion: want[1], Evidence: []heads.Span{{Start: 12.1, End: 17.1}, {Start: 20, End: 23.5}, {Start: 29.7, End: 34}}, Duration: 34},
	}
	if d := cmp.Diff(wantItems, items); d != "" || unmatched != 1 {
		t.Errorf("JoinNExTGQA: unmatched %d, want 1; items (-want +got):\n%s", unmatched, d)
	}
}

func TestReadNExTGQAQuestionsVariants(t *testing.T) {
	// NExT-QA style: "video" column, answer as an index, columns reordered,
	// CRLF, optional columns absent.
	in := "qid,video,question,a0,a1,a2,a3,a4,answer\r\n5,77,why,x,y,z,w,v,3\r\n"
	got, err := ReadNExTGQAQuestions(strings.NewReader(in), "q.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []GQAQuestion{{Video: "77", QID: "5", Question: "why", Choices: [5]string{"x", "y", "z", "w", "v"}, Answer: 3, AnswerText: "w", Line: 2}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestReadNExTGQAQuestionsErrors(t *testing.T) {
	const header = "video_id,frame_count,width,height,question,answer,qid,type,a0,a1,a2,a3,a4\n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "q.csv:1: empty file"},
		{"no video column", "vid,question,answer,qid,a0,a1,a2,a3,a4\n", `q.csv:1: no "video_id" (or "video") column`},
		{"no a4", "video_id,question,answer,qid,a0,a1,a2,a3\n", `q.csv:1: no "a4" column`},
		{"duplicate column", "video_id,qid,qid\n", `column "qid" twice`},
		{"answer not a choice", header + "1,10,1,1,why,maybe,0,CW,a,b,c,d,e\n", `q.csv:2: question 0 of video 1: answer "maybe" is none of a0..a4`},
		{"answer index out of range", header + "1,10,1,1,why,5,0,CW,a,b,c,d,e\n", `answer "5" is none`},
		{"field count", header + "1,10,1,1,why,a,0,CW,a,b,c,d,e\n1,2\n", "q.csv:3: wrong number of fields"},
		{"bad count", header + "1,ten,1,1,why,a,0,CW,a,b,c,d,e\n", `q.csv:2: frame_count "ten" is not a count`},
		{"empty qid", header + "1,10,1,1,why,a,,CW,a,b,c,d,e\n", "q.csv:2: empty video id or qid"},
		{"bare quote", header + "1,10,1,1,wh\"y,a,0,CW,a,b,c,d,e\n", `q.csv:2: bare " in non-quoted-field`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadNExTGQAQuestions(strings.NewReader(tc.in), "q.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func FuzzNExTGQASpans(f *testing.F) {
	f.Add(`{"1": {"duration": 34, "location": {"1": [[1.2, 5.8]], "3": [[12, 40]]}, "fps": 29.97}}`)
	f.Add(`{"a": {"duration": 3,,}}`)
	f.Add(`{"a": {"duration": 3, "location": {"4": [[2, 1]]}}}`)
	f.Fuzz(func(t *testing.T, in string) {
		vs, err := ReadNExTGQASpans(strings.NewReader(in), "fuzz.json")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		for id, v := range vs {
			if v.Video != id || checkDuration(v.Duration) != nil || v.Line < 1 {
				t.Fatalf("video %q: bad record %+v", id, v)
			}
			for q, spans := range v.Locations {
				if len(spans) == 0 {
					t.Fatalf("video %s question %s: no span accepted", id, q)
				}
				for _, s := range spans {
					if checkSpan(s) != nil || s.End > v.Duration {
						t.Fatalf("video %s question %s: accepted span %v (duration %g)", id, q, s, v.Duration)
					}
				}
			}
		}
	})
}

func FuzzNExTGQAQuestions(f *testing.F) {
	f.Add("video_id,frame_count,width,height,question,answer,qid,type,a0,a1,a2,a3,a4\n1,10,1,1,why,b,0,CW,a,b,c,d,e\n")
	f.Add("qid,video,question,a0,a1,a2,a3,a4,answer\r\n5,77,why,x,y,z,w,v,3\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		qs, err := ReadNExTGQAQuestions(strings.NewReader(in), "fuzz.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		for _, q := range qs {
			if q.Answer < 0 || q.Answer > 4 || q.Choices[q.Answer] != q.AnswerText || q.Video == "" || q.QID == "" || q.Line < 2 {
				t.Fatalf("accepted a bad row: %+v", q)
			}
		}
	})
}
