package fusion_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/fusion"
)

func TestTrainVocab(t *testing.T) {
	corpus := []string{"the red circle enters", "the red square leaves", "the blue circle enters again", "Redder!"}
	vocab, err := fusion.TrainVocab(corpus, fusion.VocabOptions{Size: 50, TimeTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantHead := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<0>", "<1>", "!", "a", "b"}
	if diff := cmp.Diff(wantHead, vocab[:len(wantHead)]); diff != "" {
		t.Errorf("vocabulary head (-want +got):\n%s", diff)
	}
	if len(vocab) != 50 {
		t.Errorf("vocabulary has %d tokens, want 50", len(vocab))
	}
	// 17 runes, alone and with "##", leave 50-7-34 = 9 places for the most
	// frequent whole words.
	tok, err := fusion.NewTokenizer(vocab)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"the", "red", "circle", "enters"} {
		if _, err := tok.ID(w); err != nil {
			t.Errorf("frequent word %q missing: %v", w, err)
		}
	}
	// Every word of the corpus tokenizes without [UNK].
	for _, text := range corpus {
		for _, p := range tok.Tokenize(text) {
			if p == fusion.UnkToken {
				t.Errorf("Tokenize(%q) = %q holds [UNK]", text, tok.Tokenize(text))
			}
		}
	}
	again, err := fusion.TrainVocab(corpus, fusion.VocabOptions{Size: 50, TimeTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(vocab, again); diff != "" {
		t.Errorf("TrainVocab is not deterministic (-first +second):\n%s", diff)
	}
	// Words below MinCount stay out; their frequent shared pieces come in.
	pieces := []string{"playing played plays", "Playing, played; plays"}
	pv, err := fusion.TrainVocab(pieces, fusion.VocabOptions{Size: 1000, MinCount: 4})
	if err != nil {
		t.Fatal(err)
	}
	ptok, err := fusion.NewTokenizer(pv)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"play", "##i", "##n", "##g", ",", "play", "##s"}, ptok.Tokenize("playing, plays")); diff != "" {
		t.Errorf("pieces (-want +got):\n%s", diff)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestTrainVocabErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  fusion.VocabOptions
		want string
	}{
		{"too small", fusion.VocabOptions{Size: 10, TimeTokens: 8}, "cannot hold"},
		{"negative", fusion.VocabOptions{Size: -1}, "want >= 0"},
	} {
		_, err := fusion.TrainVocab([]string{"abc"}, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
