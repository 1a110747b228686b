package segmenttest

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/segment"
)

// SampleQueries are everyday grounding queries (Charades-STA style and the
// synthetic benchmark's style) for RunParser.
var SampleQueries = []string{
	"a person is putting a book on a shelf",
	"person opens the door",
	"the man in the red shirt throws the ball",
	"someone turns off the light",
	"when does the red circle touch the green triangle?",
	"the large blue square moves to the left",
}

// RunParser checks the contract of segment.Parser on p: an empty or blank
// query is an error wrapping segment.ErrEmptyQuery; on each query (nil
// means SampleQueries) Parse succeeds, is deterministic and agrees with
// itself under concurrent use, and every phrase has a non-empty lower-case
// Text of single-space-separated words ending with its Head, with no
// duplicate Text.
func RunParser(t *testing.T, p segment.Parser, queries []string) {
	t.Helper()
	if queries == nil {
		queries = SampleQueries
	}
	t.Run("EmptyQuery", func(t *testing.T) {
		for _, q := range []string{"", "   ", "\t\n"} {
			if _, err := p.Parse(q); !errors.Is(err, segment.ErrEmptyQuery) {
				t.Errorf("Parse(%q) error = %v, want ErrEmptyQuery", q, err)
			}
		}
	})
	t.Run("Phrases", func(t *testing.T) {
		for _, q := range queries {
			got, err := p.Parse(q)
			if err != nil {
				t.Errorf("Parse(%q): %v", q, err)
				continue
			}
			if err := checkPhrases(got); err != nil {
				t.Errorf("Parse(%q) = %+v: %v", q, got, err)
			}
			again, err := p.Parse(q)
			if err != nil {
				t.Errorf("second Parse(%q): %v", q, err)
			} else if d := cmp.Diff(got, again); d != "" {
				t.Errorf("Parse(%q) is not deterministic (-first +second):\n%s", q, d)
			}
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		want := make([][]segment.Phrase, len(queries))
		for i, q := range queries {
			want[i], _ = p.Parse(q)
		}
		var wg sync.WaitGroup
		errs := make([]string, 4*len(queries))
		for g := range 4 {
			for i, q := range queries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got, _ := p.Parse(q)
					if d := cmp.Diff(want[i], got); d != "" {
						errs[g*len(queries)+i] = q + ":\n" + d
					}
				}()
			}
		}
		wg.Wait()
		for _, e := range errs {
			if e != "" {
				t.Errorf("concurrent Parse differs (-want +got) on %s", e)
			}
		}
	})
}

type phraseError string

func (e phraseError) Error() string { return string(e) }

func checkPhrases(ps []segment.Phrase) error {
	seen := map[string]bool{}
	for _, p := range ps {
		switch {
		case p.Text == "" || p.Head == "":
			return phraseError("empty Text or Head")
		case p.Text != strings.ToLower(p.Text) || p.Head != strings.ToLower(p.Head):
			return phraseError("not lower case: " + p.Text)
		case strings.Join(strings.Fields(p.Text), " ") != p.Text:
			return phraseError("not single-spaced: " + p.Text)
		case !strings.HasSuffix(" "+p.Text, " "+p.Head):
			return phraseError("Text " + p.Text + " does not end with Head " + p.Head)
		case seen[p.Text]:
			return phraseError("duplicate " + p.Text)
		}
		seen[p.Text] = true
	}
	return nil
}
