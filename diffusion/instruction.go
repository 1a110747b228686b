package diffusion

import (
	"math/rand/v2"
	"strings"
	"unicode"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// InstructionEncoder embeds the instruction text y_hl of the conditioning
// c = (M, y_hl) (paper section III-B) into one vector that the denoiser feeds
// to its adaptive layer norms. The default is BagOfWords; the text encoder of
// package fusion can take its place.
type InstructionEncoder interface {
	// EmbedInstruction returns the embedding of text, shape (Width()). The
	// empty text is the unconditional instruction (classifier-free
	// guidance) and must embed to zeros.
	EmbedInstruction(e nn.Exec, text string) nn.V
	// Width is the embedding width.
	Width() int
}

var _ InstructionEncoder = (*BagOfWords)(nil)

// BagOfWords embeds an instruction as the mean of the table rows of its
// words (lower-cased, split at anything that is not a letter or digit).
// Words outside Vocab share the last row; the empty instruction embeds to
// zeros.
type BagOfWords struct {
	// Vocab lists the known words; row i of Table is Vocab[i].
	Vocab []string `st:"-"`
	// Table has shape (len(Vocab)+1, D); the last row is the unknown word.
	Table *tensor.Dense `st:"table"`
}

// NewBagOfWords returns a bag-of-words embedding of width d over vocab with
// rows drawn from N(0, 1) by rng.
func NewBagOfWords(rng *rand.Rand, vocab []string, d int) *BagOfWords {
	return &BagOfWords{Vocab: vocab, Table: nn.NewEmbedding(rng, len(vocab)+1, d).W}
}

// Width is the embedding width D.
func (b *BagOfWords) Width() int { return b.Table.Shape()[1] }

// Words splits text into lower-case words of letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// EmbedInstruction returns the mean of the rows of text's words, shape (D),
// or zeros, shape (D), for a text without words.
func (b *BagOfWords) EmbedInstruction(e nn.Exec, text string) nn.V {
	words := Words(text)
	d := b.Width()
	if len(words) == 0 {
		return e.Const(tensor.New(tensor.WithShape(d), tensor.Of(tensor.Float32)))
	}
	index := make(map[string]int, len(b.Vocab))
	for i, w := range b.Vocab {
		index[w] = i
	}
	ids := make([]int, len(words))
	for i, w := range words {
		id, ok := index[w]
		if !ok {
			id = len(b.Vocab)
		}
		ids[i] = id
	}
	rows := e.Gather(e.Param(b.Table), ids)
	return e.Reshape(e.Mean(rows, 0), d)
}
