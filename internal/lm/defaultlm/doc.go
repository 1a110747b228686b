// Package defaultlm holds the SDK's default language model: the frozen
// decoder-only backbone of the grounding stage (paper III-C), a Llama of
// lm.Default()'s size (D = 256, 4 layers, 4 heads of 64, 2 key/value
// heads, SwiGLU MLP of 688, 2048 positions; 3.4 M weights stored as F16,
// about 6.9 MB) with the default text encoder's WordPiece vocabulary (1024
// tokens: [PAD] [UNK] [CLS] [SEP] [MASK], the time tokens <0>..<31>, then
// word pieces), so that instruction token ids mean the same to the text
// encoder and to the LM. The weights are compiled in (go:embed), so only
// programs that import this package pay for them.
//
// It was pretrained by examples/pretrain-lm by next-token prediction on
// text in the synthetic benchmark's language: grounding queries alone and
// with their spans in discrete time tokens of 8 bins (fusion's binning),
// interval descriptions "between <a> and <b> ...", narrations that walk
// <0>..<7> in the order of the mixed-token layout, and QA items with their
// choices and evidence spans. Each sequence is [CLS] text [SEP]. The
// shipped weights are the last checkpoint (step 4500 of 4500, the best on
// the held-out videos) of a run of the command's defaults: 43489 training
// sequences (845760 tokens) from 1500 videos of seed 1, batches of 16,
// AdamW with peak learning rate 1.5e-3, about 33 minutes on a shared
// 2-core CPU. Held-out perplexity (40 videos of seed 1001, 21657 tokens):
// 3.158 (words 3.07, time tokens 4.42) against 71.6 for the unigram model
// of the training corpus. Retrain and export with
//
//	go run ./examples/pretrain-lm -out /tmp/lmtrain/run
//	go run ./examples/pretrain-lm -export internal/lm/defaultlm/model -from /tmp/lmtrain/run/best
//	go run ./examples/pretrain-lm -eval internal/lm/defaultlm/model
//
// testdata/heldout.txt holds the documents of 3 videos of seed 2001, which
// neither trained the model (seed 1) nor chose its checkpoint (the
// held-out videos of seed 1001), written by
//
//	go run ./examples/pretrain-lm -write-heldout internal/lm/defaultlm/testdata/heldout.txt -heldout 3 -seed 1001
//
// (the held-out videos of a run of seed s have seed s+1000); the test
// checks the model's perplexity on them.
package defaultlm
