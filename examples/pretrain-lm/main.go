// Command pretrain-lm pretrains the SDK's default language model (paper
// III-C: the frozen decoder-only backbone, internal/lm) by next-token
// prediction on text in the synthetic benchmark's language, and writes the
// checkpoint that package internal/lm/defaultlm embeds.
//
// Vocabulary: the LM shares the WordPiece vocabulary of the default text
// encoder (fusion/defaulttext: 1024 tokens, time tokens <0>..<31>), so the
// instruction tokens of the grounding stage's mixed sequence have one id
// space; vocab.txt is written beside each checkpoint.
//
// Corpus: for -videos videos of the benchmark (split "lm", seed -seed), the
// grounding queries alone and with their span in time tokens, interval
// descriptions "between <a> and <b> ...", a narration that walks the time
// bins <0>..<N-1> in the order of the mixed-token layout, and the QA items
// as "question: ... answer: ..." with choices and evidence span (corpus.go
// lists them). Time tokens are fusion's bins: <k> covers the k-th of -time
// equal parts of the clip. Held-out text comes from -heldout videos of
// seed -seed+1000.
//
// Training: AdamW (0.9, 0.98, weight decay 0.01), a cosine learning rate
// with 5% linear warm-up down to lr/20, global gradient-norm clipping at 1,
// batches of -batch sequences of similar length. Every -every steps the
// held-out perplexity is measured and OUT/latest (with OUT/optim.safetensors
// and OUT/state.json, what -resume continues from) and, when it is the
// lowest so far, OUT/best are written.
//
// Model: lm.Default() (D = 256, 4 layers, 4 heads, 2 key/value heads,
// I = 688) with the tokenizer's 1024 tokens; -d, -layers, -heads,
// -kv-heads and -intermediate narrow it. The default size was kept because
// it trained at about 2.4 steps/s (batches of 16 sequences of about 20
// tokens) on a 2-core CPU shared with other trainings, so the default
// 4500 steps take about 33 minutes, and the fusion stage and the LoRA
// benchmarks are written against it.
//
//	go run ./examples/pretrain-lm -out /tmp/lmtrain/run
//	go run ./examples/pretrain-lm -out /tmp/lmtrain/run -resume
//	go run ./examples/pretrain-lm -export internal/lm/defaultlm/model -from /tmp/lmtrain/run/best
//	go run ./examples/pretrain-lm -eval internal/lm/defaultlm/model
//
// -eval prints a JSON report of a checkpoint's held-out perplexity (all
// tokens, time tokens alone, words alone) next to the unigram baseline of
// the training corpus. -export writes a checkpoint with F16 weights (what
// internal/lm/defaultlm embeds).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/signal"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/fusion/defaulttext"
	"github.com/videodit/videodit/internal/lm"
)

func main() {
	var opt options
	cfg := lm.Default() // the flags below narrow it
	flag.StringVar(&opt.Out, "out", "/tmp/lmtrain/run", "output directory (checkpoints latest/ and best/)")
	flag.Uint64Var(&opt.Seed, "seed", 1, "corpus and initialisation seed (held-out videos use seed+1000)")
	flag.IntVar(&opt.Videos, "videos", 1500, "benchmark videos of the training corpus")
	flag.IntVar(&opt.HeldOut, "heldout", 40, "benchmark videos of the held-out corpus")
	flag.IntVar(&opt.Time, "time", 8, "time bins N_time (time tokens <0>..<N-1>)")
	flag.IntVar(&opt.MaxLen, "maxlen", 96, "longest token sequence (longer documents are cut)")
	flag.IntVar(&opt.Steps, "steps", 4500, "training steps (the cosine schedule's length)")
	flag.IntVar(&opt.Batch, "batch", 16, "sequences per step")
	flag.IntVar(&opt.Every, "every", 250, "checkpoint and held-out evaluation every this many steps")
	flag.Float64Var(&opt.LR, "lr", 1.5e-3, "peak learning rate")
	flag.Float64Var(&opt.Minutes, "minutes", 50, "wall-clock budget in minutes")
	flag.BoolVar(&opt.Resume, "resume", false, "continue from OUT/latest")
	flag.IntVar(&opt.StopAt, "stop-at", 0, "if positive, end this run after this step (checkpointed), keeping the schedule of -steps")
	flag.IntVar(&cfg.HiddenSize, "d", cfg.HiddenSize, "model width")
	flag.IntVar(&cfg.NumHiddenLayers, "layers", cfg.NumHiddenLayers, "decoder layers")
	flag.IntVar(&cfg.NumAttentionHeads, "heads", cfg.NumAttentionHeads, "attention heads")
	flag.IntVar(&cfg.NumKeyValueHeads, "kv-heads", cfg.NumKeyValueHeads, "key/value heads")
	flag.IntVar(&cfg.IntermediateSize, "intermediate", cfg.IntermediateSize, "MLP width")
	eval := flag.String("eval", "", "print the held-out perplexity of this checkpoint directory as JSON, and exit")
	export := flag.String("export", "", "write the checkpoint of directory -from to this directory with F16 weights, and exit")
	from := flag.String("from", "/tmp/lmtrain/run/best", "the checkpoint -export reads")
	heldOutText := flag.String("write-heldout", "", "write the held-out documents of the first -heldout videos to this file, one a line, and exit")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	text, err := defaulttext.Load(ctx)
	if err != nil {
		log.Fatal(err)
	}
	tok := text.Tokenizer()
	switch {
	case *eval != "":
		err = evaluate(ctx, tok, *eval, opt, os.Stdout)
	case *export != "":
		err = exportF16(ctx, *from, *export, tok)
	case *heldOutText != "":
		err = writeHeldOut(*heldOutText, opt.Seed, opt.HeldOut, opt.Time)
	default:
		err = trainDefault(ctx, tok, opt, cfg)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// trainDefault trains a model of cfg with the tokenizer's vocabulary size.
func trainDefault(ctx context.Context, tok *fusion.Tokenizer, opt options, cfg lm.Config) error {
	cfg.VocabSize = tok.Size()
	opt.Config = cfg
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return err
	}
	return train(ctx, tok, opt, os.Stderr)
}

// evaluate prints the report of the checkpoint in dir on the held-out
// corpus of opt.Seed.
func evaluate(ctx context.Context, tok *fusion.Tokenizer, dir string, opt options, w io.Writer) error {
	m, err := lm.Load(ctx, dir)
	if err != nil {
		return err
	}
	if m.Config().VocabSize != tok.Size() {
		return fmt.Errorf("%s: vocab_size %d but the shared vocabulary has %d tokens", dir, m.Config().VocabSize, tok.Size())
	}
	trainSeqs, _, err := buildCorpus(tok, corpusOptions{Seed: opt.Seed, Videos: opt.Videos, Time: opt.Time, MaxLen: opt.MaxLen})
	if err != nil {
		return err
	}
	testSeqs, _, err := buildCorpus(tok, corpusOptions{Seed: heldOutSeed(opt.Seed), Videos: opt.HeldOut, Time: opt.Time, MaxLen: opt.MaxLen})
	if err != nil {
		return err
	}
	nll, n, err := perplexity(ctx, m, testSeqs, nil)
	if err != nil {
		return err
	}
	r := report{Checkpoint: dir, HeldOutSplit: corpusSplit, HeldOutSeed: heldOutSeed(opt.Seed), Sequences: len(testSeqs),
		Tokens: n, NLL: nll, Perplexity: math.Exp(nll), UnigramPerplexity: unigramPerplexity(trainSeqs, testSeqs, tok.Size())}
	times := map[int]bool{}
	for k := range tok.TimeTokens() {
		id, err := tok.TimeTokenID(k)
		if err != nil {
			return err
		}
		times[id] = true
	}
	isTime := func(id int) bool { return times[id] }
	timeNLL, nt, err := perplexity(ctx, m, testSeqs, isTime)
	if err != nil {
		return err
	}
	wordNLL, _, err := perplexity(ctx, m, testSeqs, func(id int) bool { return !isTime(id) })
	if err != nil {
		return err
	}
	r.TimeTokens, r.TimePerplexity, r.WordPerplexity = nt, math.Exp(timeNLL), math.Exp(wordNLL)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeVocab writes the tokenizer's vocabulary to path, through a
// temporary file renamed into place.
func writeVocab(tok *fusion.Tokenizer, path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := tok.WriteVocab(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
