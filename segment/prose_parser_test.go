package segment

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testParser(t testing.TB) *ProseParser {
	t.Helper()
	p, err := NewProseParser()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// texts lists the Text of each phrase.
func texts(ps []Phrase) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

// parserQueries are Charades-STA style queries and the synthetic
// benchmark's style, with the phrases a reader expects.
var parserQueries = []struct {
	query string
	want  []string
}{
	{"a person is putting a book on a shelf", []string{"person", "book", "shelf"}},
	{"person opens the door", []string{"person", "door"}},
	{"the man in the red shirt throws the ball", []string{"man", "red shirt", "ball"}},
	{"person turn a light on", []string{"person", "light"}},
	{"a person is sitting at a desk", []string{"person", "desk"}},
	{"person closes the laptop", []string{"person", "laptop"}},
	{"a person takes a picture of the window", []string{"person", "window"}},
	{"the person puts it on the table", []string{"person", "table"}},
	{"someone is laughing at the television", []string{"person", "television"}},
	{"a person pick up a cup of coffee", []string{"person", "cup", "coffee"}},
	{"person touches the doorknob", []string{"person", "doorknob"}},
	{"a woman holds two small dogs", []string{"woman", "small dog"}},
	{"the children play with the red balls", []string{"child", "red ball"}},
	{"person washes the dishes in the sink", []string{"person", "dish", "sink"}},
	{"person puts on a pair of glasses", []string{"person", "glasses"}},
	{"a person eats a sandwich", []string{"person", "sandwich"}},
	{"person drinks from a glass", []string{"person", "glass"}},
	{"the person opens a cabinet door", []string{"person", "cabinet door"}},
	{"person throws a blanket onto the sofa", []string{"person", "blanket", "sofa"}},
	{"a person is sneezing", []string{"person"}},
	{"person holding a broom walks through the doorway", []string{"person", "broom", "doorway"}},
	{"a person takes off their shoes", []string{"person", "shoe"}},
	{"person grabs the vacuum", []string{"person", "vacuum"}},
	{"a man sits on the bed", []string{"man", "bed"}},
	{"person looks out the window", []string{"person", "window"}},
	{"person starts cooking on the stove", []string{"person", "stove"}},
	{"a person is tidying up the closet", []string{"person", "closet"}},
	{"the person takes clothes out of a box", []string{"person", "clothes", "box"}},
	{"person runs to the door", []string{"person", "door"}},
	{"two people shake hands", []string{"person", "hand"}},
	{"a person puts groceries in the refrigerator", []string{"person", "grocery", "refrigerator"}},
	{"the woman in the blue dress smiles", []string{"woman", "blue dress"}},
	{"person snuggles with a pillow", []string{"person", "pillow"}},
	{"someone is undressing", []string{"person"}},
	{"a person fixes the light bulb", []string{"person", "light bulb"}},
	{"a person watches television on the couch", []string{"person", "television", "couch"}},
	{"person puts the phone on the table", []string{"person", "phone", "table"}},
	{"a person holds a towel", []string{"person", "towel"}},
	{"Person closes the refrigerator door.", []string{"person", "refrigerator door"}},
	{"the knives and forks", []string{"knife", "fork"}},
	{"a person is holding a sleeping dog", []string{"person", "sleeping dog"}},
	{"the red circle", []string{"red circle"}},
	{"when does the large blue square move to the left?", []string{"large blue square"}},
	{"the small yellow square stops", []string{"small yellow square"}},
	{"the green triangle leaves the scene", []string{"green triangle"}},
	{"when does the red ball first touch the blue box?", []string{"red ball", "blue box"}},
	{"a person opens the door and the person leaves", []string{"person", "door"}},
	{"It is raining", []string{}},
}

func TestProseParserQueries(t *testing.T) {
	p := testParser(t)
	for _, tt := range parserQueries {
		got, err := p.Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if d := cmp.Diff(tt.want, texts(got)); d != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.query, d)
		}
	}
}

func TestProseParserHeads(t *testing.T) {
	p := testParser(t)
	got, err := p.Parse("the man in the red shirts throws two large blue balls")
	if err != nil {
		t.Fatal(err)
	}
	want := []Phrase{{Text: "man", Head: "man"}, {Text: "red shirt", Head: "shirt"}, {Text: "large blue ball", Head: "ball"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
}

func TestProseParserBadInput(t *testing.T) {
	p := testParser(t)
	for _, q := range []string{"", "  ", "\n\t"} {
		if _, err := p.Parse(q); !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("Parse(%q) error = %v, want ErrEmptyQuery", q, err)
		}
	}
	if _, err := p.Parse(strings.Repeat("a ball ", MaxQueryLen)); err == nil {
		t.Errorf("Parse of an over-long query: no error")
	}
	got, err := p.Parse("?!, ... 42")
	if err != nil || len(got) != 0 {
		t.Errorf("Parse of punctuation = %v, %v; want no phrase, nil", got, err)
	}
}

func TestSingular(t *testing.T) {
	tests := map[string]string{
		"balls": "ball", "boxes": "box", "dishes": "dish", "glasses": "glasses", "people": "person",
		"shelves": "shelf", "babies": "baby", "toys": "toy", "houses": "house", "buses": "bus",
		"watches": "watch", "dresses": "dress", "shoes": "shoe", "tomatoes": "tomato", "circles": "circle",
		"bus": "bus", "clothes": "clothes", "knives": "knife", "children": "child", "cactus": "cactus",
	}
	for in, want := range tests {
		if got := singular(in); got != want {
			t.Errorf("singular(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tt := range parserQueries {
		f.Add(tt.query)
	}
	f.Add("'s 's 's")
	f.Add("\xff\xfe a \x00 ball")
	p := testParser(f)
	f.Fuzz(func(t *testing.T, q string) {
		got, err := p.Parse(q)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, ph := range got {
			if ph.Text == "" || ph.Head == "" || !strings.HasSuffix(ph.Text, ph.Head) || seen[ph.Text] {
				t.Fatalf("Parse(%q) gave a malformed phrase list %+v", q, got)
			}
			seen[ph.Text] = true
		}
	})
}
