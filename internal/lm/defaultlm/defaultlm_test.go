package defaultlm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion/defaulttext"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/safetensors"
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

// TestFillErrors checks that weights disagreeing with the config are
// refused with an error naming the tensor.
func TestFillErrors(t *testing.T) {
	c := lm.Default()
	c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.VocabSize = 8, 16, 1, 12
	c.NumAttentionHeads, c.NumKeyValueHeads = 2, 1
	src, err := lm.New(c, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var stored []safetensors.Tensor
	if err := checkpoint.Walk(src, func(name string, p **tensor.Dense) error {
		if *p != nil {
			stored = append(stored, safetensors.Tensor{Name: name, DType: safetensors.F16, Shape: slices.Clone([]int((*p).Shape())), Data: (*p).Float32s()})
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	const q = "model.layers.0.self_attn.q_proj.weight"
	tests := []struct {
		name   string
		edit   func([]safetensors.Tensor) []safetensors.Tensor
		target error
		tensor string
	}{
		{"intact", func(ts []safetensors.Tensor) []safetensors.Tensor { return ts }, nil, ""},
		{"missing", func(ts []safetensors.Tensor) []safetensors.Tensor {
			return slices.DeleteFunc(ts, func(x safetensors.Tensor) bool { return x.Name == q })
		}, lm.ErrMissing, q},
		{"misshaped", func(ts []safetensors.Tensor) []safetensors.Tensor {
			for i := range ts {
				if ts[i].Name == q {
					ts[i].Shape = []int{len(ts[i].Data)} // flattened
				}
			}
			return ts
		}, lm.ErrShape, q},
		{"unexpected", func(ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: "model.layers.1.mlp.up_proj.weight", Shape: []int{1}, Data: []float32{0}})
		}, lm.ErrUnexpected, "model.layers.1.mlp.up_proj.weight"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := safetensors.Encode(&buf, tc.edit(slices.Clone(stored)), nil); err != nil {
				t.Fatal(err)
			}
			r, err := safetensors.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "test.safetensors")
			if err != nil {
				t.Fatal(err)
			}
			dst, err := lm.New(c, rand.New(rand.NewPCG(2, 2)))
			if err != nil {
				t.Fatal(err)
			}
			err = fill(context.Background(), r, dst)
			if tc.target == nil {
				if err != nil {
					t.Fatal(err)
				}
				want, got := src.Params(), dst.Params()
				for i := range want {
					for j, w := range want[i].Float32s() {
						if d := math.Abs(float64(w - got[i].Float32s()[j])); d > 1e-3*math.Abs(float64(w))+1e-7 {
							t.Fatalf("tensor %d element %d: %v, stored %v", i, j, got[i].Float32s()[j], w)
						}
					}
				}
				return
			}
			if !errors.Is(err, tc.target) || !strings.Contains(err.Error(), tc.tensor) {
				t.Errorf("fill: %v, want %v naming %s", err, tc.target, tc.tensor)
			}
		})
	}
}
