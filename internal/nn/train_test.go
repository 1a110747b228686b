package nn_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
)

// reverser is a two-block transformer that reads a token sequence and
// predicts, at every position i, the token at position L-1-i.
type reverser struct {
	Tok    nn.Embedding
	Pos    *tensor.Dense // (L, D) learned absolute positions
	Blocks []*nn.Block
	Norm   nn.RMSNorm
	Head   nn.Linear
}

func newReverser(rng *rand.Rand, vocab, l, d, heads, hidden, layers int) *reverser {
	m := &reverser{
		Tok:  *nn.NewEmbedding(rng, vocab, d),
		Pos:  nn.NewEmbedding(rng, l, d).W,
		Norm: *nn.NewRMSNorm(d, 1e-6),
		Head: *nn.NewLinear(rng, d, vocab, true),
	}
	for range layers {
		m.Blocks = append(m.Blocks, nn.NewBlock(rng, nn.BlockConfig{Dim: d, Heads: heads, KVHeads: heads / 2, Hidden: hidden, RopeBase: 10000, Eps: 1e-6}))
	}
	return m
}

// params lists every trainable tensor with a stable name.
func (m *reverser) params() map[string]*tensor.Dense {
	ps := map[string]*tensor.Dense{"tok": m.Tok.W, "pos": m.Pos, "norm": m.Norm.W, "head.w": m.Head.W, "head.b": m.Head.B}
	for i, b := range m.Blocks {
		for name, p := range map[string]*tensor.Dense{
			"norm1": b.Norm1.W, "norm2": b.Norm2.W,
			"q": b.Attn.Q.W, "k": b.Attn.K.W, "v": b.Attn.V.W, "o": b.Attn.O.W,
			"gate": b.MLP.Gate.W, "up": b.MLP.Up.W, "down": b.MLP.Down.W,
		} {
			ps[fmt.Sprintf("blocks.%d.%s", i, name)] = p
		}
	}
	return ps
}

// loss returns the mean cross-entropy of the reversed sequences, shape (1),
// for a batch of sequences (B, L).
func (m *reverser) loss(e nn.Exec, seqs [][]int) nn.V {
	b, l := len(seqs), len(seqs[0])
	var ids, targets []int
	for _, s := range seqs {
		ids = append(ids, s...)
		for i := range s {
			targets = append(targets, s[l-1-i])
		}
	}
	d := m.Pos.Shape()[1]
	x := e.Reshape(m.Tok.Forward(e, ids), b, l, d)
	x = e.Add(x, e.Param(m.Pos))
	for _, blk := range m.Blocks {
		x = blk.Forward(e, x, nil, nil)
	}
	logits := m.Head.Forward(e, m.Norm.Forward(e, e.Reshape(x, b*l, d)))
	return nn.CrossEntropy(e, logits, targets)
}

// TestTrainReverse trains a two-block transformer through the graph
// executor with AdamW to reverse sequences of 6 tokens over a vocabulary of
// 8 (fixed seed, full batch of 32 sequences) and requires the loss to fall
// at least 10x.
func TestTrainReverse(t *testing.T) {
	const (
		vocab, l, batch = 8, 6, 32
		steps           = 30
		lr              = 1e-2
	)
	rng := rand.New(rand.NewPCG(7, 11))
	m := newReverser(rng, vocab, l, 32, 4, 64, 2)
	seqs := make([][]int, batch)
	for i := range seqs {
		seqs[i] = make([]int, l)
		for j := range seqs[i] {
			seqs[i][j] = rng.IntN(vocab)
		}
	}
	named := m.params()
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8, WeightDecay: 0})
	var first, last float32
	for step := range steps {
		g := nn.NewGraph()
		loss := m.loss(g, seqs)
		if err := g.Backward(loss); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		last = g.Value(loss).Float32s()[0]
		if step == 0 {
			first = last
		}
		var ps []optim.Param
		for name, p := range named {
			grad, err := g.Grad(p)
			if err != nil {
				t.Fatalf("step %d: %s: %v", step, name, err)
			}
			ps = append(ps, optim.Param{Name: name, Value: p.Float32s(), Grad: grad.Float32s()})
		}
		if err := opt.Step(lr, ps); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	t.Logf("loss %.4f -> %.4f after %d steps (%.1fx)", first, last, steps, first/last)
	if !(last*10 <= first) {
		t.Errorf("loss fell from %.4f to %.4f, less than 10x", first, last)
	}
}
