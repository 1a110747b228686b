package fusion

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Special tokens of the WordPiece vocabulary. Every vocabulary holds them;
// TrainVocab puts them first, in this order, so [PAD] has id 0.
const (
	PadToken  = "[PAD]"
	UnkToken  = "[UNK]"
	ClsToken  = "[CLS]"
	SepToken  = "[SEP]"
	MaskToken = "[MASK]"
)

// specialTokens lists the special tokens in vocabulary order.
var specialTokens = [...]string{PadToken, UnkToken, ClsToken, SepToken, MaskToken}

// maxWordRunes is the longest word WordPiece splits; a longer word is [UNK]
// (as BERT's tokenizer).
const maxWordRunes = 100

// maxTokenBytes bounds one vocabulary entry.
const maxTokenBytes = 200

// TimeToken returns the text of discrete time token k: "<k>".
func TimeToken(k int) string { return "<" + strconv.Itoa(k) + ">" }

// Tokenizer is a WordPiece tokenizer over a fixed vocabulary.
//
// Normalisation: the text is lower-cased; white space separates words; every
// punctuation or symbol rune is a word of its own, except a time token "<k>"
// that the vocabulary holds, which stays one word. Each word is then split
// greedily, longest match first, into vocabulary pieces, pieces after the
// first carrying the "##" prefix; a word that cannot be split (a rune the
// vocabulary lacks) or that is longer than 100 runes becomes one [UNK]
// token. Tokenisation is deterministic and never fails.
//
// The vocabulary holds the special tokens [PAD] [UNK] [CLS] [SEP] [MASK]
// and the time tokens <0>..<N-1> (N = TimeTokens()). A Tokenizer is
// immutable and safe for concurrent use.
type Tokenizer struct {
	vocab []string
	ids   map[string]int
	times int
}

// NewTokenizer returns a tokenizer over vocab (token i has id i). The
// vocabulary must hold every special token, no empty, duplicate or
// white-space-holding token, and its time tokens must be <0>..<N-1> with
// no gap.
func NewTokenizer(vocab []string) (*Tokenizer, error) {
	t := &Tokenizer{vocab: append([]string(nil), vocab...), ids: make(map[string]int, len(vocab))}
	for i, tok := range vocab {
		switch {
		case tok == "":
			return nil, fmt.Errorf("fusion: vocabulary token %d is empty", i)
		case len(tok) > maxTokenBytes:
			return nil, fmt.Errorf("fusion: vocabulary token %d is %d bytes long, at most %d", i, len(tok), maxTokenBytes)
		case !utf8.ValidString(tok):
			return nil, fmt.Errorf("fusion: vocabulary token %d (%q) is not valid UTF-8", i, tok)
		case strings.IndexFunc(tok, unicode.IsSpace) >= 0:
			return nil, fmt.Errorf("fusion: vocabulary token %d (%q) holds white space", i, tok)
		}
		if j, dup := t.ids[tok]; dup {
			return nil, fmt.Errorf("fusion: vocabulary token %q appears twice (ids %d and %d)", tok, j, i)
		}
		t.ids[tok] = i
	}
	for _, s := range specialTokens {
		if _, ok := t.ids[s]; !ok {
			return nil, fmt.Errorf("fusion: vocabulary lacks the special token %s", s)
		}
	}
	n := 0
	for _, tok := range vocab {
		if _, ok := timeIndex(tok); ok {
			n++
		}
	}
	for k := range n {
		if _, ok := t.ids[TimeToken(k)]; !ok {
			return nil, fmt.Errorf("fusion: vocabulary has %d time tokens but lacks %s", n, TimeToken(k))
		}
	}
	t.times = n
	return t, nil
}

// timeIndex parses a time token "<k>" (k decimal, no sign, no leading zero
// unless k = 0).
func timeIndex(tok string) (int, bool) {
	if len(tok) < 3 || tok[0] != '<' || tok[len(tok)-1] != '>' {
		return 0, false
	}
	digits := tok[1 : len(tok)-1]
	if len(digits) > 6 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	k := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		k = 10*k + int(c-'0')
	}
	return k, true
}

// Size returns the number of tokens of the vocabulary.
func (t *Tokenizer) Size() int { return len(t.vocab) }

// TimeTokens returns N, the number of time tokens <0>..<N-1>.
func (t *Tokenizer) TimeTokens() int { return t.times }

// Vocab returns a copy of the vocabulary, token i at index i.
func (t *Tokenizer) Vocab() []string { return append([]string(nil), t.vocab...) }

// ID returns the id of token, failing with an error naming it when the
// vocabulary lacks it.
func (t *Tokenizer) ID(token string) (int, error) {
	id, ok := t.ids[token]
	if !ok {
		return 0, fmt.Errorf("fusion: token %q is not in the vocabulary", token)
	}
	return id, nil
}

// mustID returns the id of a token NewTokenizer checked is present.
func (t *Tokenizer) mustID(token string) int { return t.ids[token] }

// Token returns the text of id, or an error when id is outside [0, Size).
func (t *Tokenizer) Token(id int) (string, error) {
	if id < 0 || id >= len(t.vocab) {
		return "", fmt.Errorf("fusion: token id %d outside the vocabulary [0, %d)", id, len(t.vocab))
	}
	return t.vocab[id], nil
}

// TimeTokenID returns the id of time token <k>; k must be in [0, N).
func (t *Tokenizer) TimeTokenID(k int) (int, error) {
	if k < 0 || k >= t.times {
		return 0, fmt.Errorf("fusion: time token <%d> outside the vocabulary's <0>..<%d>", k, t.times-1)
	}
	return t.ids[TimeToken(k)], nil
}

// Tokenize returns the WordPiece tokens of text, without [CLS] and [SEP].
func (t *Tokenizer) Tokenize(text string) []string {
	var out []string
	for _, w := range t.words(text) {
		out = t.appendPieces(out, w)
	}
	return out
}

// Encode returns the ids of [CLS] Tokenize(text) [SEP]. It fails on a text
// without any token (empty or white space only).
func (t *Tokenizer) Encode(text string) ([]int, error) {
	toks := t.Tokenize(text)
	if len(toks) == 0 {
		return nil, errors.New("fusion: empty text (no tokens)")
	}
	ids := make([]int, 0, len(toks)+2)
	ids = append(ids, t.mustID(ClsToken))
	for _, tok := range toks {
		ids = append(ids, t.ids[tok])
	}
	return append(ids, t.mustID(SepToken)), nil
}

// words splits normalised text into words (see Tokenizer).
func (t *Tokenizer) words(text string) []string {
	text = strings.ToLower(strings.ToValidUTF8(text, "\uFFFD"))
	var words []string
	start := -1 // start of the current word
	flush := func(end int) {
		if start >= 0 {
			words = append(words, text[start:end])
			start = -1
		}
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError && size <= 1:
			flush(i)
		case r == '<':
			flush(i)
			if j := strings.IndexByte(text[i:], '>'); j > 0 {
				if _, ok := timeIndex(text[i : i+j+1]); ok {
					if _, known := t.ids[text[i:i+j+1]]; known {
						words = append(words, text[i:i+j+1])
						i += j + 1
						continue
					}
				}
			}
			words = append(words, text[i:i+size])
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			flush(i)
			words = append(words, text[i:i+size])
		default:
			if start < 0 {
				start = i
			}
		}
		i += size
	}
	flush(len(text))
	return words
}

// appendPieces appends the WordPiece split of one word to out.
func (t *Tokenizer) appendPieces(out []string, word string) []string {
	if utf8.RuneCountInString(word) > maxWordRunes {
		return append(out, UnkToken)
	}
	n := len(out)
	for start := 0; start < len(word); {
		end := len(word)
		piece := ""
		for end > start {
			cand := word[start:end]
			if start > 0 {
				cand = "##" + cand
			}
			if _, ok := t.ids[cand]; ok {
				piece = cand
				break
			}
			_, size := utf8.DecodeLastRuneInString(word[start:end])
			end -= size
		}
		if piece == "" {
			return append(out[:n], UnkToken)
		}
		out = append(out, piece)
		start = end
	}
	return out
}

// WriteVocab writes the vocabulary, one token a line (the vocab.txt of a
// checkpoint).
func (t *Tokenizer) WriteVocab(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, tok := range t.vocab {
		bw.WriteString(tok)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("fusion: writing the vocabulary: %w", err)
	}
	return nil
}

// maxVocab bounds the size of a vocabulary file ReadVocab accepts.
const maxVocab = 1 << 20

// ReadVocab reads a vocabulary written by WriteVocab (one token a line, a
// final newline optional, "\r\n" accepted) and returns its tokenizer. It
// fails on an empty file, more than 2^20 tokens, and anything NewTokenizer
// rejects, naming the line.
func ReadVocab(r io.Reader) (*Tokenizer, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 256), maxTokenBytes+2)
	var vocab []string
	for sc.Scan() {
		if len(vocab) == maxVocab {
			return nil, fmt.Errorf("fusion: vocabulary has more than %d tokens", maxVocab)
		}
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			return nil, fmt.Errorf("fusion: vocabulary line %d is empty", len(vocab)+1)
		}
		vocab = append(vocab, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("fusion: vocabulary line %d: %w", len(vocab)+1, err)
	}
	if len(vocab) == 0 {
		return nil, errors.New("fusion: empty vocabulary")
	}
	return NewTokenizer(vocab)
}
