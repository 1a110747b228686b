package defaultlm

import (
	"bufio"
	"context"
	"math"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/fusion/defaulttext"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
)

func TestLoad(t *testing.T) {
	m, tok, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lm.Default(), m.Config()); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	// The LM shares the default text encoder's vocabulary.
	text, err := defaulttext.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(text.Tokenizer().Vocab(), tok.Vocab()); diff != "" {
		t.Errorf("vocabulary differs from fusion/defaulttext's (-text encoder +LM):\n%s", diff)
	}
	if tok.TimeTokens() < 8 {
		t.Errorf("%d time tokens, want at least the 8 of the default budget", tok.TimeTokens())
	}
	// Each Load returns its own weights.
	m2, _, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w := m.Embed.W.Float32s()
	before := w[0]
	w[0] += 1
	if got := m2.Embed.W.Float32s()[0]; got != before {
		t.Errorf("changing one model's weights changed another's: %v, want %v", got, before)
	}
}

// heldOutBound is the largest accepted perplexity on testdata/heldout.txt:
// the shipped weights score 2.993 there (this test, 1490 tokens); the bound
// leaves 10% of margin. On the 40 held-out videos of seed 1001 (21657
// tokens) examples/pretrain-lm -eval measured 3.158 for the model against
// 71.6 for the unigram model of the training corpus; an untrained model
// scores about the vocabulary size, 1024.
const heldOutBound = 3.3

// TestHeldOutPerplexity checks that the shipped model predicts held-out
// benchmark text (documents of videos the corpus did not hold) far better
// than a unigram model: its next-token perplexity, computed here one
// sequence at a time on the eager executor, is below heldOutBound.
func TestHeldOutPerplexity(t *testing.T) {
	m, tok, err := Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/heldout.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var nll float64
	tokens, docs := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		ids, err := tok.Encode(sc.Text())
		if err != nil {
			t.Fatal(err)
		}
		e := nn.NewEager()
		h, err := m.Forward(e, m.Embed.Forward(e, ids[:len(ids)-1]), nil)
		if err != nil {
			t.Fatal(err)
		}
		logp := e.Dense(nn.LogSoftmax(e, m.Logits(e, h), 1))
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		v := logp.Shape()[1]
		data := logp.Float32s()
		for i, next := range ids[1:] {
			nll -= float64(data[i*v+next])
		}
		tokens += len(ids) - 1
		docs++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if docs < 50 {
		t.Fatalf("only %d held-out documents", docs)
	}
	ppl := math.Exp(nll / float64(tokens))
	t.Logf("held-out perplexity %.3f over %d tokens of %d documents", ppl, tokens, docs)
	if !(ppl < heldOutBound) {
		t.Errorf("held-out perplexity %.3f, want below %v", ppl, heldOutBound)
	}
}
