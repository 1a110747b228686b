package fusion_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/fusion"
)

// testVocab is a small hand-written vocabulary with 4 time tokens.
var testVocab = []string{
	"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<0>", "<1>", "<2>", "<3>",
	"the", "red", "circle", "enter", "##s", "move", "##ing", "un", "##happy", "a", "b", "##b",
	",", ".", "?", "<", ">", "3", "4", "##3", "é",
}

func testTokenizer(t testing.TB) *fusion.Tokenizer {
	t.Helper()
	tok, err := fusion.NewTokenizer(testVocab)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTokenize(t *testing.T) {
	tok := testTokenizer(t)
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"The red circle enters.", []string{"the", "red", "circle", "enter", "##s", "."}},
		{"  THE\tRED\n", []string{"the", "red"}},
		// "move" does not prefix "moving" and "mov" is not in the
		// vocabulary: the word is unknown as a whole.
		{"moving", []string{"[UNK]"}},
		{"unhappy", []string{"un", "##happy"}},
		{"abb", []string{"a", "##b", "##b"}},
		{"red,circle?", []string{"red", ",", "circle", "?"}},
		{"zebra", []string{"[UNK]"}},
		{"the zebra enters", []string{"the", "[UNK]", "enter", "##s"}},
		{"<3> <4> <03>", []string{"<3>", "<", "4", ">", "<", "[UNK]", ">"}},
		{"<3><0>", []string{"<3>", "<0>"}},
		{"é", []string{"é"}},
		{"É", []string{"é"}},
		{"", nil},
		{" \t ", nil},
		{strings.Repeat("a", 101), []string{"[UNK]"}},
		{"\xff red", []string{"[UNK]", "red"}},
	} {
		got := tok.Tokenize(tc.text)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Tokenize(%q) (-want +got):\n%s", tc.text, diff)
		}
	}
}

func TestEncode(t *testing.T) {
	tok := testTokenizer(t)
	got, err := tok.Encode("the red circle")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 9, 10, 11, 3}, got); diff != "" {
		t.Errorf("Encode (-want +got):\n%s", diff)
	}
	for _, text := range []string{"", "   \n"} {
		if _, err := tok.Encode(text); err == nil || !strings.Contains(err.Error(), "empty text") {
			t.Errorf("Encode(%q) error %v, want empty text", text, err)
		}
	}
	if id, err := tok.TimeTokenID(2); err != nil || id != 7 {
		t.Errorf("TimeTokenID(2) = %d, %v, want 7", id, err)
	}
	if _, err := tok.TimeTokenID(4); err == nil || !strings.Contains(err.Error(), "<0>..<3>") {
		t.Errorf("TimeTokenID(4) error %v, want one naming <0>..<3>", err)
	}
	if _, err := tok.ID("zebra"); err == nil || !strings.Contains(err.Error(), `"zebra"`) {
		t.Errorf("ID(zebra) error %v, want one naming the token", err)
	}
	if _, err := tok.Token(len(testVocab)); err == nil {
		t.Errorf("Token(%d) returned no error", len(testVocab))
	}
	if got, want := tok.TimeTokens(), 4; got != want {
		t.Errorf("TimeTokens = %d, want %d", got, want)
	}
}

func TestNewTokenizerErrors(t *testing.T) {
	base := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
	for _, tc := range []struct {
		name  string
		vocab []string
		want  string
	}{
		{"missing special", []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]"}, "lacks the special token [MASK]"},
		{"duplicate", append(append([]string{}, base...), "a", "a"), `"a" appears twice (ids 5 and 6)`},
		{"empty", append(append([]string{}, base...), ""), "token 5 is empty"},
		{"space", append(append([]string{}, base...), "a b"), "white space"},
		{"time gap", append(append([]string{}, base...), "<0>", "<2>"), "2 time tokens but lacks <1>"},
		{"bad utf8", append(append([]string{}, base...), "\xff"), "not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fusion.NewTokenizer(tc.vocab)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestVocabRoundTrip(t *testing.T) {
	tok := testTokenizer(t)
	var buf bytes.Buffer
	if err := tok.WriteVocab(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := fusion.ReadVocab(strings.NewReader(strings.ReplaceAll(buf.String(), "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(testVocab, back.Vocab()); diff != "" {
		t.Errorf("vocabulary after a round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"empty file", "", "empty vocabulary"},
		{"empty line", "[PAD]\n\n[UNK]\n", "line 2 is empty"},
		{"too long", strings.Repeat("x", 300) + "\n", "line 1"},
	} {
		if _, err := fusion.ReadVocab(strings.NewReader(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"The red circle enters.", "<3> <4>", "unhappy abb", "\xff\x00É", strings.Repeat("ab", 60)} {
		f.Add(s)
	}
	tok := testTokenizer(f)
	f.Fuzz(func(t *testing.T, text string) {
		toks := tok.Tokenize(text)
		again := tok.Tokenize(text)
		if !slicesEqual(toks, again) {
			t.Fatalf("Tokenize(%q) not deterministic: %q then %q", text, toks, again)
		}
		for _, s := range toks {
			if _, err := tok.ID(s); err != nil {
				t.Fatalf("Tokenize(%q) gave %q: %v", text, s, err)
			}
		}
		ids, err := tok.Encode(text)
		if len(toks) == 0 {
			if err == nil {
				t.Fatalf("Encode(%q) of no tokens returned no error", text)
			}
			return
		}
		if err != nil || len(ids) != len(toks)+2 {
			t.Fatalf("Encode(%q) = %v, %v for %d tokens", text, ids, err, len(toks))
		}
		// Without [UNK], the pieces spell the normalised words back.
		if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) {
			return
		}
		var b strings.Builder
		for _, s := range toks {
			if s == fusion.UnkToken {
				return
			}
			b.WriteString(strings.TrimPrefix(s, "##"))
		}
		var want strings.Builder
		for _, r := range strings.ToLower(text) {
			if !isSpaceOrControl(r) {
				want.WriteRune(r)
			}
		}
		if b.String() != want.String() {
			t.Fatalf("pieces of %q spell %q, want %q", text, b.String(), want.String())
		}
	})
}

func FuzzReadVocab(f *testing.F) {
	f.Add(strings.Join(testVocab, "\n"))
	f.Add("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n<0>\n")
	f.Add("\n\n")
	f.Fuzz(func(t *testing.T, file string) {
		tok, err := fusion.ReadVocab(strings.NewReader(file))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := tok.WriteVocab(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := fusion.ReadVocab(&buf)
		if err != nil {
			t.Fatalf("re-reading a written vocabulary: %v", err)
		}
		if !slicesEqual(tok.Vocab(), back.Vocab()) {
			t.Fatalf("vocabulary changed in a round trip")
		}
	})
}
