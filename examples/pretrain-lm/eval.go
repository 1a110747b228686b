package main

import (
	"context"
	"fmt"
	"math"

	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
)

// evalBatch is the number of sequences per forward pass of perplexity.
const evalBatch = 32

// report is the JSON that -eval prints.
type report struct {
	Checkpoint string `json:"checkpoint"`
	// HeldOut describes the held-out corpus: its videos' synth split and
	// seed, the number of sequences and of predicted tokens.
	HeldOutSplit string `json:"heldout_split"`
	HeldOutSeed  uint64 `json:"heldout_seed"`
	Sequences    int    `json:"sequences"`
	Tokens       int    `json:"tokens"`
	// NLL is the mean next-token negative log-likelihood (nats) and
	// Perplexity exp(NLL).
	NLL        float64 `json:"nll"`
	Perplexity float64 `json:"perplexity"`
	// UnigramPerplexity is the perplexity of the add-one unigram model of
	// the training corpus on the same tokens: the baseline.
	UnigramPerplexity float64 `json:"unigram_perplexity"`
	// TimeTokens is the number of predicted time tokens <k> and
	// TimePerplexity the model's perplexity on them alone (they depend on
	// the unseen video, so only their structure is predictable);
	// WordPerplexity is the perplexity on the other tokens.
	TimeTokens     int     `json:"time_tokens"`
	TimePerplexity float64 `json:"time_perplexity"`
	WordPerplexity float64 `json:"word_perplexity"`
}

// perplexity returns the mean next-token negative log-likelihood of m over
// seqs (every token after the first is predicted, or those keep accepts
// when it is not nil) and the number of predicted tokens, on the eager
// executor.
func perplexity(ctx context.Context, m *lm.Model, seqs [][]int, keep func(id int) bool) (nll float64, tokens int, err error) {
	var sum float64
	for _, b := range batches(seqs, evalBatch) {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		batch := make([][]int, len(b))
		for i, j := range b {
			batch[i] = seqs[j]
		}
		e := nn.NewEager()
		loss, n, err := nextTokenLoss(e, m, batch, keep)
		if err != nil {
			return 0, 0, err
		}
		if n == 0 {
			continue
		}
		v := e.Dense(loss)
		if err := e.Err(); err != nil {
			return 0, 0, err
		}
		sum += float64(v.Float32s()[0]) * float64(n)
		tokens += n
	}
	if tokens == 0 {
		return 0, 0, fmt.Errorf("no token to predict in %d sequences", len(seqs))
	}
	return sum / float64(tokens), tokens, nil
}

// unigramPerplexity returns the perplexity on the predicted tokens of test
// (every token after the first) of the add-one smoothed unigram
// distribution over vocab ids of the predicted tokens of train.
func unigramPerplexity(train, test [][]int, vocab int) float64 {
	counts := make([]float64, vocab)
	total := 0.0
	for _, s := range train {
		for _, id := range s[1:] {
			counts[id]++
			total++
		}
	}
	var nll float64
	n := 0
	for _, s := range test {
		for _, id := range s[1:] {
			nll -= math.Log((counts[id] + 1) / (total + float64(vocab)))
			n++
		}
	}
	return math.Exp(nll / float64(max(n, 1)))
}
