package main

import (
	"math/rand/v2"
	"slices"

	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
)

// padID is the input id of padding positions ([PAD] is id 0 in every
// fusion vocabulary); their targets are -1 and count for nothing.
const padID = 0

// nextTokenLoss returns the mean next-token cross-entropy of m over seqs
// (each of at least 2 ids) as a value of shape (1), and the number of
// predicted tokens. The sequences are right-padded to the longest one, so
// the model reads a batch of input embeddings (B, L-1, D) (causal attention:
// padding after a sequence never reaches it) and predicts targets (B*(L-1))
// of which the padding ones are ignored. A non-nil keep limits the loss to
// the targets it accepts (the count then counts those only).
func nextTokenLoss(e nn.Exec, m *lm.Model, seqs [][]int, keep func(id int) bool) (nn.V, int, error) {
	l := 0
	for _, s := range seqs {
		l = max(l, len(s)-1)
	}
	b, d := len(seqs), m.Config().HiddenSize
	inputs := make([]int, 0, b*l)
	targets := make([]int, 0, b*l)
	valid := 0
	for _, s := range seqs {
		for i := range l {
			switch {
			case i+1 < len(s) && (keep == nil || keep(s[i+1])):
				inputs, targets = append(inputs, s[i]), append(targets, s[i+1])
				valid++
			case i < len(s):
				inputs, targets = append(inputs, s[i]), append(targets, -1)
			default:
				inputs, targets = append(inputs, padID), append(targets, -1)
			}
		}
	}
	x := e.Reshape(m.Embed.Forward(e, inputs), b, l, d)
	h, err := m.Forward(e, x, nil)
	if err != nil {
		return nil, 0, err
	}
	logits := m.Logits(e, e.Reshape(h, b*l, d))
	// CrossEntropy averages over all b*l rows; rescale to the valid ones.
	ce := nn.CrossEntropy(e, logits, targets)
	return e.Scale(ce, float32(b*l)/float32(max(valid, 1))), valid, nil
}

// batches groups the sequence indices into batches of size n (the last may
// be smaller) of sequences of similar length, so that little padding is
// computed: the indices sorted by length (stable), cut into runs of n.
func batches(seqs [][]int, n int) [][]int {
	idx := make([]int, len(seqs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return len(seqs[a]) - len(seqs[b]) })
	var out [][]int
	for lo := 0; lo < len(idx); lo += n {
		out = append(out, idx[lo:min(lo+n, len(idx))])
	}
	return out
}

// batchAt returns the batch of training step step: the batches are visited
// in a random order drawn anew each epoch from (seed, epoch), so that a
// resumed run sees the same batches as an uninterrupted one.
func batchAt(all [][]int, seed uint64, step int) []int {
	epoch, i := step/len(all), step%len(all)
	order := rand.New(rand.NewPCG(seed, uint64(epoch)+0x1e7)).Perm(len(all))
	return all[order[i]]
}
