package main

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/fusion/defaulttext"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
)

func tokenizer(t *testing.T) *fusion.Tokenizer {
	t.Helper()
	m, err := defaulttext.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m.Tokenizer()
}

// tinyConfig is a model small enough for tests under -race.
func tinyConfig(vocab int) lm.Config {
	c := lm.Default()
	c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers = 16, 32, 1
	c.NumAttentionHeads, c.NumKeyValueHeads = 2, 1
	c.VocabSize, c.MaxPositionEmbeddings = vocab, 128
	return c
}

func TestTimeBin(t *testing.T) {
	tests := []struct {
		s, duration float64
		n, want     int
	}{
		{0, 10, 8, 0},
		{1.25, 10, 8, 1}, // exactly the start of bin 1
		{1.2499, 10, 8, 0},
		{9.99, 10, 8, 7},
		{10, 10, 8, 7}, // the end of the clip stays in the last bin
		{-1, 10, 8, 0}, // clamped
		{5, 0, 8, 0},   // degenerate clip
		{3, 4, 1, 0},   // one bin
		{20, 40, 32, 16},
	}
	for _, tc := range tests {
		if got := timeBin(tc.s, tc.duration, tc.n); got != tc.want {
			t.Errorf("timeBin(%v, %v, %d) = %d, want %d", tc.s, tc.duration, tc.n, got, tc.want)
		}
	}
	// A span ending exactly on a bin boundary does not reach the next bin.
	a, b := spanTokens(1.25, 2.5, 10, 8)
	if diff := cmp.Diff([2]string{"<1>", "<1>"}, [2]string{a, b}); diff != "" {
		t.Errorf("spanTokens(1.25, 2.5) (-want +got):\n%s", diff)
	}
}

// TestCorpus checks the corpus: deterministic, no [UNK] with the shared
// vocabulary, every document kind present, time tokens within <0>..<7>,
// sequences framed by [CLS] ... [SEP].
func TestCorpus(t *testing.T) {
	tok := tokenizer(t)
	opt := corpusOptions{Seed: 7, Videos: 4, Time: 8, MaxLen: 96}
	seqs, unks, err := buildCorpus(tok, opt)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := buildCorpus(tok, opt)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seqs, again); diff != "" {
		t.Fatalf("corpus not deterministic (-first +second):\n%s", diff)
	}
	if unks != 0 {
		t.Errorf("%d [UNK] tokens in the corpus", unks)
	}
	cls, _ := tok.ID(fusion.ClsToken)
	sep, _ := tok.ID(fusion.SepToken)
	t7, _ := tok.TimeTokenID(7)
	t8, _ := tok.TimeTokenID(8)
	timeTokens := 0
	for _, s := range seqs {
		if s[0] != cls || len(s) < opt.MaxLen && s[len(s)-1] != sep {
			t.Errorf("sequence %v not framed by [CLS] ... [SEP]", s)
		}
		for _, id := range s {
			if id == t8 {
				t.Errorf("time token <8> in a corpus of 8 bins: %v", s)
			}
			if id >= t7-7 && id <= t7 {
				timeTokens++
			}
		}
	}
	if timeTokens < len(seqs) {
		t.Errorf("only %d time tokens in %d sequences", timeTokens, len(seqs))
	}
	texts, err := corpusTexts(opt.Seed, 1, opt.Time)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"between <", ", from <", "<0> ", " <7>", " or "} {
		if !slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no document of video 0 holds %q:\n%s", want, strings.Join(texts, "\n"))
		}
	}
}

// TestLossIgnoresPadding checks that the loss of a padded batch is the
// token-weighted mean of the sequences' own losses.
func TestLossIgnoresPadding(t *testing.T) {
	tok := tokenizer(t)
	m, err := lm.New(tinyConfig(tok.Size()), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	seqs, _, err := buildCorpus(tok, corpusOptions{Seed: 3, Videos: 1, Time: 8, MaxLen: 96})
	if err != nil {
		t.Fatal(err)
	}
	batch := [][]int{seqs[0], seqs[len(seqs)-1], seqs[1][:2]} // lengths differ
	loss := func(b [][]int) (float64, int) {
		e := nn.NewEager()
		v, n, err := nextTokenLoss(e, m, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := e.Dense(v)
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		return float64(d.Float32s()[0]), n
	}
	var sum float64
	tokens := 0
	for _, s := range batch {
		l, n := loss([][]int{s})
		if n != len(s)-1 {
			t.Errorf("sequence of %d tokens: %d predicted, want %d", len(s), n, len(s)-1)
		}
		sum += l * float64(n)
		tokens += n
	}
	got, n := loss(batch)
	if n != tokens {
		t.Errorf("batch: %d predicted tokens, want %d", n, tokens)
	}
	// keep limits the loss to some targets: here the last one of each
	// sequence, [SEP].
	sep, _ := tok.ID(fusion.SepToken)
	e := nn.NewEager()
	_, nSep, err := nextTokenLoss(e, m, batch, func(id int) bool { return id == sep })
	if err != nil || e.Err() != nil {
		t.Fatal(err, e.Err())
	}
	if nSep != len(batch)-1 { // the 2-token prefix has no [SEP]
		t.Errorf("keep [SEP]: %d targets, want %d", nSep, len(batch)-1)
	}
	if want := sum / float64(tokens); math.Abs(got-want) > 1e-5*want {
		t.Errorf("padded batch loss %v, want the token-weighted mean %v", got, want)
	}
	// An untrained model (weights of std 0.02) is nearly uniform.
	if v := float64(tok.Size()); math.Abs(math.Exp(got)-v) > 0.05*v {
		t.Errorf("untrained perplexity %v, want about the vocabulary size %v", math.Exp(got), v)
	}
}

func TestBatchAt(t *testing.T) {
	seqs := [][]int{{1, 2, 3}, {1, 2}, {1, 2, 3, 4}, {1, 2}, {1, 2, 3}}
	all := batches(seqs, 2)
	if diff := cmp.Diff([][]int{{1, 3}, {0, 4}, {2}}, all); diff != "" {
		t.Errorf("batches by length (-want +got):\n%s", diff)
	}
	// Each epoch visits every batch once, in an order of its own.
	for epoch := range 3 {
		var seen [][]int
		for i := range len(all) {
			seen = append(seen, batchAt(all, 9, epoch*len(all)+i))
		}
		slices.SortFunc(seen, func(a, b []int) int { return a[0] - b[0] })
		if diff := cmp.Diff([][]int{{0, 4}, {1, 3}, {2}}, seen); diff != "" {
			t.Errorf("epoch %d batches (-want +got):\n%s", epoch, diff)
		}
	}
}

// TestTrainResumeExport trains a tiny model for 4 steps in one run and in
// two (2 steps, then -resume), and checks that both give the same weights;
// then that the F16 export loads within F16 rounding and -eval reports a
// perplexity.
func TestTrainResumeExport(t *testing.T) {
	tok := tokenizer(t)
	ctx := context.Background()
	opt := options{Config: tinyConfig(tok.Size()), Seed: 5, Videos: 2, HeldOut: 1, Time: 8, MaxLen: 48,
		Steps: 4, Batch: 4, Every: 2, LR: 1e-2, Minutes: 10}
	dir := t.TempDir()
	opt.Out = filepath.Join(dir, "once")
	if err := train(ctx, tok, opt, io.Discard); err != nil {
		t.Fatal(err)
	}
	twice := opt
	twice.Out, twice.StopAt = filepath.Join(dir, "twice"), 2
	if err := train(ctx, tok, twice, io.Discard); err != nil {
		t.Fatal(err)
	}
	twice.StopAt, twice.Resume = 0, true
	if err := train(ctx, tok, twice, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, err := lm.Load(ctx, filepath.Join(opt.Out, latestDir))
	if err != nil {
		t.Fatal(err)
	}
	b, err := lm.Load(ctx, filepath.Join(twice.Out, latestDir))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Params() {
		if diff := cmp.Diff(p.Float32s(), b.Params()[i].Float32s()); diff != "" {
			t.Fatalf("weights %d differ after a resumed run (-once +resumed):\n%s", i, diff)
		}
	}
	var st state
	raw, err := os.ReadFile(filepath.Join(opt.Out, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	if st.Step != 4 || !(st.BestPPL > 1) {
		t.Errorf("state %+v, want step 4 and a perplexity above 1", st)
	}

	f16 := filepath.Join(dir, "f16")
	if err := exportF16(ctx, filepath.Join(opt.Out, latestDir), f16, tok); err != nil {
		t.Fatal(err)
	}
	c, err := lm.Load(ctx, f16)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Params() {
		want, got := p.Float32s(), c.Params()[i].Float32s()
		for j := range want {
			if d := math.Abs(float64(want[j] - got[j])); d > 1e-3*math.Abs(float64(want[j]))+1e-7 {
				t.Fatalf("weights %d element %d: F16 %v, F32 %v", i, j, got[j], want[j])
			}
		}
	}
	var out strings.Builder
	if err := evaluate(ctx, tok, f16, opt, &out); err != nil {
		t.Fatal(err)
	}
	var r report
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("-eval output %q: %v", out.String(), err)
	}
	if !(r.Perplexity > 1 && r.Perplexity < float64(tok.Size())*1.05) || r.Tokens == 0 || !(r.UnigramPerplexity > 1) ||
		r.TimeTokens == 0 || r.TimeTokens >= r.Tokens || !(r.TimePerplexity > 1) || !(r.WordPerplexity > 1) {
		t.Errorf("-eval report %+v", r)
	}
	heldOut, _, err := buildCorpus(tok, corpusOptions{Seed: heldOutSeed(opt.Seed), Videos: opt.HeldOut, Time: opt.Time, MaxLen: opt.MaxLen})
	if err != nil {
		t.Fatal(err)
	}
	nll, _, err := perplexity(ctx, a, heldOut, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Exp(nll); math.Abs(r.Perplexity-want) > 0.01*want {
		t.Errorf("-eval perplexity %v of the F16 export, %v in float32", r.Perplexity, want)
	}
}
