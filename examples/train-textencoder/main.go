// Command train-textencoder trains the SDK's default text encoder
// (fusion.TextTransformer, paper Eq. 10) on the synthetic benchmark's
// queries and writes the checkpoint that package fusion/defaulttext embeds.
//
// Objective: the [CLS] embedding e_text of a query feeds five linear
// classifiers, trained jointly with the encoder by cross-entropy, that
// predict what the query grounds: the kind of its target event (enters,
// moves, touches, ...), the colour and the shape of the target's first
// entity, the query's relation (plain, ordinal, after, before, while) and
// the kind of its anchor event (or none). e_text thus carries the "what"
// and "relative to what" of the query. The classifiers are thrown away; the
// encoder is frozen afterwards.
//
// The vocabulary is trained first (fusion.TrainVocab) on the queries,
// questions, choices and answers of the training videos plus
// fusion.CommonWords. Training uses AdamW with a cosine learning rate and 5%
// warm-up; a checkpoint is written every -every steps and at the end, and
// the held-out accuracy of each classifier (queries of videos of another
// seed) is printed.
//
// The shipped default (fusion/defaulttext) was made with
//
//	go run ./examples/train-textencoder -out fusion/defaulttext/model -videos 1500 -heldout 150 -steps 2500 -minutes 12 -every 250 -vocab 1024
//
// (8 minutes on a shared 2-core machine; its log is
// fusion/defaulttext/train.log).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"slices"
	"time"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/internal/synth"
)

// sample is one query with its labels.
type sample struct {
	text   string
	labels [numHeads]int
}

const numHeads = 5

var headNames = [numHeads]string{"kind", "colour", "shape", "relation", "anchor"}

var (
	kinds     = []string{synth.KindEnters, synth.KindLeaves, synth.KindMoves, synth.KindStill, synth.KindTouches, synth.KindOccludes, synth.KindColourChange, synth.KindDisappears, synth.KindReappears}
	relations = []string{synth.RelationPlain, synth.RelationOrdinal, synth.RelationAfter, synth.RelationBefore, synth.RelationWhile}
)

func main() {
	out := flag.String("out", "fusion/defaulttext/model", "checkpoint directory")
	videos := flag.Int("videos", 1500, "training videos (their queries are the training set)")
	heldOut := flag.Int("heldout", 150, "held-out videos (another seed)")
	seed := flag.Uint64("seed", 1, "benchmark and initialisation seed")
	steps := flag.Int("steps", 3000, "most training steps")
	minutes := flag.Float64("minutes", 15, "wall-clock budget in minutes")
	batch := flag.Int("batch", 64, "queries per step")
	lr := flag.Float64("lr", 3e-3, "peak learning rate")
	every := flag.Int("every", 200, "checkpoint every this many steps")
	vocabSize := flag.Int("vocab", 1200, "vocabulary size")
	timeTokens := flag.Int("time-tokens", 32, "time tokens <0>..<N-1> in the vocabulary")
	flag.Parse()
	if err := run(*out, *videos, *heldOut, *seed, *steps, *minutes, *batch, *lr, *every, *vocabSize, *timeTokens); err != nil {
		log.Fatal(err)
	}
}

func run(out string, videos, heldOut int, seed uint64, steps int, minutes float64, batch int, lr float64, every, vocabSize, timeTokens int) error {
	ctx := context.Background()
	start := time.Now()
	train, corpus, err := collect(seed, videos)
	if err != nil {
		return err
	}
	test, _, err := collect(seed+1000, heldOut)
	if err != nil {
		return err
	}
	corpus = append(corpus, fusion.CommonWords()...)
	vocab, err := fusion.TrainVocab(corpus, fusion.VocabOptions{Size: vocabSize, TimeTokens: timeTokens, MinCount: 1})
	if err != nil {
		return err
	}
	tok, err := fusion.NewTokenizer(vocab)
	if err != nil {
		return err
	}
	log.Printf("%d training queries, %d held-out, vocabulary %d tokens (%.1fs)", len(train), len(test), tok.Size(), time.Since(start).Seconds())

	rng := rand.New(rand.NewPCG(seed, 0x7e47))
	enc, err := fusion.NewTextTransformer(rng, fusion.DefaultTextConfig(tok.Size()), tok)
	if err != nil {
		return err
	}
	classes := [numHeads]int{len(kinds), len(synth.Colours()), len(synth.Shapes()), len(relations), len(kinds) + 1}
	var heads [numHeads]*nn.Linear
	for i := range heads {
		heads[i] = nn.NewLinear(rng, enc.Dim(), classes[i], true)
	}
	params := map[string]*tensor.Dense{}
	for i, p := range enc.Params() {
		params[fmt.Sprintf("enc.%d", i)] = p
	}
	for i, h := range heads {
		params[headNames[i]+".w"], params[headNames[i]+".b"] = h.W, h.B
	}
	trainIDs, err := encodeAll(enc, train)
	if err != nil {
		return err
	}
	testIDs, err := encodeAll(enc, test)
	if err != nil {
		return err
	}

	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.98, Eps: 1e-8, WeightDecay: 0.01})
	deadline := start.Add(time.Duration(minutes * float64(time.Minute)))
	order := rng.Perm(len(train))
	pos := 0
	warm := max(steps/20, 1)
	var avg float64
	for step := range steps {
		if time.Now().After(deadline) {
			log.Printf("wall-clock budget reached at step %d", step)
			break
		}
		idx := make([]int, batch)
		for i := range idx {
			if pos == len(order) {
				order, pos = rng.Perm(len(train)), 0
			}
			idx[i] = order[pos]
			pos++
		}
		g := nn.NewGraph()
		loss := lossOf(g, enc, heads, train, trainIDs, idx)
		if err := g.Backward(loss); err != nil {
			return err
		}
		if err := g.Run(ctx); err != nil {
			return err
		}
		l := float64(g.Value(loss).Float32s()[0])
		avg = 0.98*avg + 0.02*l
		if step == 0 {
			avg = l
		}
		var ps []optim.Param
		for name, p := range params {
			grad, err := g.Grad(p)
			if err != nil {
				return fmt.Errorf("step %d: %s: %w", step, name, err)
			}
			ps = append(ps, optim.Param{Name: name, Value: p.Float32s(), Grad: grad.Float32s()})
		}
		slices.SortFunc(ps, func(a, b optim.Param) int { return cmpString(a.Name, b.Name) })
		optim.ClipGlobalNorm(ps, 1)
		if err := opt.Step(optim.Cosine(step, steps, warm, lr, lr/20), ps); err != nil {
			return err
		}
		if step%50 == 0 {
			log.Printf("step %d loss %.4f (avg %.4f) %.0fs", step, l, avg, time.Since(start).Seconds())
		}
		if (step+1)%every == 0 {
			if err := fusion.SaveText(ctx, out, enc); err != nil {
				return err
			}
			acc, err := accuracy(enc, heads, test, testIDs)
			if err != nil {
				return err
			}
			log.Printf("step %d checkpoint %s, held-out accuracy %s", step+1, out, acc)
		}
	}
	if err := fusion.SaveText(ctx, out, enc); err != nil {
		return err
	}
	acc, err := accuracy(enc, heads, test, testIDs)
	if err != nil {
		return err
	}
	fmt.Printf("final held-out accuracy %s, %.0fs\n", acc, time.Since(start).Seconds())
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// collect returns the labelled queries of n videos of the default
// benchmark and a corpus of all their texts.
func collect(seed uint64, n int) ([]sample, []string, error) {
	var samples []sample
	var corpus []string
	for i := range n {
		v, err := synth.Generate(synth.Config{Split: "text"}, seed, i)
		if err != nil {
			return nil, nil, err
		}
		m := v.Meta
		for _, q := range m.Queries {
			ev := m.Events[q.Target]
			ent := m.Entities[ev.Entities[0]]
			anchor := len(kinds)
			if q.Anchor != nil {
				anchor = slices.Index(kinds, m.Events[*q.Anchor].Kind)
			}
			s := sample{text: q.Text, labels: [numHeads]int{
				slices.Index(kinds, ev.Kind),
				slices.Index(synth.Colours(), ent.Colour),
				slices.Index(synth.Shapes(), ent.Shape),
				slices.Index(relations, q.Relation),
				anchor,
			}}
			if slices.Contains(s.labels[:], -1) {
				return nil, nil, fmt.Errorf("video %s query %q: unknown label %v", m.ID, q.Text, s.labels)
			}
			samples = append(samples, s)
			corpus = append(corpus, q.Text)
		}
		for _, qa := range m.QA {
			corpus = append(corpus, qa.Question, qa.AnswerText)
			corpus = append(corpus, qa.Choices...)
		}
	}
	return samples, corpus, nil
}

func encodeAll(enc *fusion.TextTransformer, samples []sample) ([][]int, error) {
	ids := make([][]int, len(samples))
	for i, s := range samples {
		var err error
		if ids[i], err = enc.IDs(s.text); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// lossOf is the mean of the five classifiers' cross-entropies over the
// batch idx, shape (1).
func lossOf(e nn.Exec, enc *fusion.TextTransformer, heads [numHeads]*nn.Linear, samples []sample, ids [][]int, idx []int) nn.V {
	batch := make([][]int, len(idx))
	for i, j := range idx {
		batch[i] = ids[j]
	}
	emb := enc.Forward(e, batch)
	var total nn.V
	for h, lin := range heads {
		targets := make([]int, len(idx))
		for i, j := range idx {
			targets[i] = samples[j].labels[h]
		}
		l := nn.CrossEntropy(e, lin.Forward(e, emb), targets)
		if total == nil {
			total = l
		} else {
			total = e.Add(total, l)
		}
	}
	return e.Scale(total, 1/float32(numHeads))
}

// accuracy returns the held-out accuracy of each classifier, as text.
func accuracy(enc *fusion.TextTransformer, heads [numHeads]*nn.Linear, samples []sample, ids [][]int) (string, error) {
	var correct [numHeads]int
	for lo := 0; lo < len(samples); lo += 256 {
		hi := min(lo+256, len(samples))
		e := nn.NewEager()
		emb := enc.Forward(e, ids[lo:hi])
		for h, lin := range heads {
			logits := e.Dense(lin.Forward(e, emb))
			if err := e.Err(); err != nil {
				return "", err
			}
			data := logits.Float32s()
			c := logits.Shape()[1]
			for i := lo; i < hi; i++ {
				row := data[(i-lo)*c : (i-lo+1)*c]
				best := 0
				for k := range row {
					if row[k] > row[best] {
						best = k
					}
				}
				if best == samples[i].labels[h] {
					correct[h]++
				}
			}
		}
	}
	s := ""
	for h := range heads {
		s += fmt.Sprintf("%s %.3f ", headNames[h], float64(correct[h])/float64(len(samples)))
	}
	return s, nil
}
