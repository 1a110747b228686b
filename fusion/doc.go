// Package fusion turns per-frame features into language-model tokens (paper
// section III-C, Eq. 10-13): the text encoder with CLS pooling, the
// sinusoidal and learned time encoders, the fuser
// u_t = LN([z_t; e_text; e_time(t)]) W_proj and the mixed-token sequence of
// instruction, object, time and frame tokens.
//
// # Stages
//
// Each stage is a small interface with a default implementation; package
// fusiontest holds their conformance suites and model-free fakes.
//
//   - TextEncoder (Encode, Dim): a query -> e_text, shape (d_t) (Eq. 10).
//     TextTransformer is the default: the WordPiece Tokenizer and a
//     bidirectional transformer encoder (pre-norm Llama-style blocks of
//     internal/nn, rotary positions, padding hidden from attention) whose
//     layer-normalised [CLS] state is e_text. SaveText and LoadText read and
//     write its checkpoint (config.json, model.safetensors, vocab.txt);
//     LoadText takes an fs.FS, so weights compiled in with go:embed load
//     like a directory. Package fusion/defaulttext embeds the SDK's trained
//     default, made by examples/train-textencoder.
//   - TimeEncoder (Embed, Dim): T -> e_time, shape (T, d_f), from
//     tau_t = t/(T-1) (Taus; T = 1 gives tau = 0). Sinusoidal is Eq. 11
//     (base 10000, the paper's default), LearnedTime the MLP on
//     [tau, tau^2] of Eq. 12.
//   - Fuser (Fuse, OutDim): z (T, d_v), e_text (d_t) and e_time (T, d_f) ->
//     frame tokens (T, d_LLM). ConcatFuser is Eq. 13, frame by frame.
//     ContextFuser, the default model's, adds temporal context before the
//     projection: two layers over a window of 2R+1 frames and the sums of
//     their outputs over the earlier and the later frames, so a frame
//     token can tell where an event starts and what happened before and
//     after it (see its doc for why the paper's frame-wise projection was
//     not enough here).
//   - The mixed-token sequence: NewLayout places instruction, object, time
//     and frame tokens (see Layout for the exact order and an example) under
//     Budgets (N_obj, N_time; paper Table V, default 4/8), Assemble builds
//     the (L, d_LLM) sequence and Layout.Frames gives the frame positions
//     the span heads (package heads) read.
//
// # Tokenizer
//
// Tokenizer is WordPiece over a fixed vocabulary: lower-casing, white-space
// and punctuation splitting, greedy longest-match pieces ("##" marks a
// continuation), [UNK] for a word it cannot split; special tokens [PAD]
// [UNK] [CLS] [SEP] [MASK] and the time tokens <0>..<N-1>, which stay whole
// in text. TrainVocab builds a vocabulary from a corpus (the default uses
// the synthetic benchmark's queries, questions and answers plus
// CommonWords).
//
// # Executors
//
// The networks (TextTransformer.Forward, LearnedTime.Forward,
// ConcatFuser.Forward, ContextFuser.Forward, Assemble) are written once on internal/nn's Exec:
// the graph executor trains them, the eager executor runs the
// tensor-in/tensor-out methods of the interfaces. Shape errors name both
// sides of the mismatch.
package fusion
