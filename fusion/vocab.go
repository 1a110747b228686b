package fusion

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// VocabOptions sizes a vocabulary trained by TrainVocab.
type VocabOptions struct {
	// Size is the number of tokens of the vocabulary, special, time and
	// character tokens included.
	Size int
	// TimeTokens is N, the number of time tokens <0>..<N-1>.
	TimeTokens int
	// MinCount is the fewest occurrences a whole word or a piece needs to
	// enter the vocabulary (values below 1 count as 1).
	MinCount int
}

// TrainVocab builds a WordPiece vocabulary from a corpus of texts. The
// vocabulary holds, in this order: the special tokens ([PAD] = 0, [UNK],
// [CLS], [SEP], [MASK]); the time tokens <0>..<N-1>; every rune of the
// corpus, alone and as a "##" continuation; then the whole words of the
// corpus by decreasing count; then, while room is left, the most frequent
// word pieces (prefixes, and "##" suffixes of at least two runes) of all the
// words, so that a word the corpus lacks ("bouncing") still splits into
// known pieces ("bounc", "##ing") rather than into runes. Ties are broken by the token text, so the
// result depends only on the corpus and the options. Words are those of
// the Tokenizer's normalisation (lower case, punctuation split off).
//
// It fails when Size cannot hold the special, time and character tokens, or
// when an option is negative.
func TrainVocab(corpus []string, opt VocabOptions) ([]string, error) {
	if opt.Size < 0 || opt.TimeTokens < 0 {
		return nil, fmt.Errorf("fusion: vocabulary size %d and time tokens %d, want >= 0", opt.Size, opt.TimeTokens)
	}
	minCount := max(opt.MinCount, 1)
	vocab := append([]string(nil), specialTokens[:]...)
	for k := range opt.TimeTokens {
		vocab = append(vocab, TimeToken(k))
	}
	// The pre-tokenizer of a vocabulary without time tokens splits "<k>"
	// into punctuation and digits, which is what we want to count.
	pre := &Tokenizer{ids: map[string]int{}}
	counts := map[string]int{}
	for _, text := range corpus {
		for _, w := range pre.words(text) {
			if _, isTime := timeIndex(w); !isTime {
				counts[w]++
			}
		}
	}
	runes := map[string]bool{}
	for w := range counts {
		for _, r := range w {
			runes[string(r)] = true
		}
	}
	chars := sortedKeys(runes)
	for _, c := range chars {
		vocab = append(vocab, c)
	}
	for _, c := range chars {
		vocab = append(vocab, "##"+c)
	}
	if len(vocab) > opt.Size {
		return nil, fmt.Errorf("fusion: vocabulary size %d cannot hold the %d special, time and character tokens", opt.Size, len(vocab))
	}
	have := map[string]bool{}
	for _, t := range vocab {
		have[t] = true
	}
	add := func(ranked []string) {
		for _, t := range ranked {
			if len(vocab) == opt.Size {
				return
			}
			if !have[t] && len(t) <= maxTokenBytes {
				have[t] = true
				vocab = append(vocab, t)
			}
		}
	}
	add(rankByCount(counts, minCount))
	pieces := map[string]int{}
	for w, n := range counts {
		if utf8.RuneCountInString(w) > maxWordRunes {
			continue
		}
		for i := range w {
			if i == 0 {
				continue
			}
			pieces[w[:i]] += n
			if utf8.RuneCountInString(w[i:]) >= 2 {
				pieces["##"+w[i:]] += n
			}
		}
	}
	add(rankByCount(pieces, minCount))
	return vocab, nil
}

// rankByCount returns the keys with count >= minCount by decreasing count,
// then by text.
func rankByCount(counts map[string]int, minCount int) []string {
	var keys []string
	for k, n := range counts {
		if n >= minCount {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return keys
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
