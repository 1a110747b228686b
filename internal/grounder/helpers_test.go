package grounder

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/lora"
)

// tinyVocab is a tokenizer vocabulary with the special tokens, the time
// tokens <0>..<3> and the words of the test queries.
var tinyVocab = []string{
	"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
	"<0>", "<1>", "<2>", "<3>",
	"the", "red", "ball", "blue", "box", "moves", "left", "right", "what", "colour", "is", "?", "stops",
}

// tinyTokenizer returns a tokenizer over tinyVocab.
func tinyTokenizer(t testing.TB) *fusion.Tokenizer {
	t.Helper()
	tok, err := fusion.NewTokenizer(tinyVocab)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// tinyLMConfig is a one-layer Llama of width 16 over tinyVocab.
func tinyLMConfig() lm.Config {
	return lm.Config{
		ModelType: lm.Llama, HiddenSize: 16, IntermediateSize: 24, NumHiddenLayers: 1,
		NumAttentionHeads: 2, NumKeyValueHeads: 1, RMSNormEps: 1e-6, RopeTheta: 10000,
		VocabSize: len(tinyVocab), MaxPositionEmbeddings: 128, HiddenAct: "silu", InitializerRange: 0.2,
	}
}

// tinyBase returns a fresh tiny language model drawn from seed (the same
// seed gives the same weights) and the tiny tokenizer.
func tinyBase(t testing.TB, seed uint64) Base {
	t.Helper()
	m, err := lm.New(tinyLMConfig(), rand.New(rand.NewPCG(seed, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return Base{LM: m, Tok: tinyTokenizer(t)}
}

// Tiny sizes of the trained parts.
const (
	tinyT      = 6
	tinyPooled = 5
	tinyText   = 4
	tinyAux    = 3
)

// tinyConfig sizes a grounder over tinyBase: T = 6 frames, 2 object and 3
// time tokens.
func tinyConfig() Config {
	return Config{
		Frames: tinyT, Features: DiffusionFeatures, PooledDim: tinyPooled,
		VisualDim: 8, TextDim: tinyText, TimeDim: 4, TimeHidden: 6, LLMDim: 16, AuxDim: tinyAux,
		ObjectTokens: 2, TimeTokens: 3, ContextRadius: 1, ContextHidden: 6, LoRARank: 2, LoRAAlpha: 4,
	}
}

// tinyModel returns a model of config c drawn from seed and attaches
// adapters of c to b.LM (drawn from the same stream).
func tinyModel(t testing.TB, c Config, b Base, seed uint64) (*Model, *lora.Set) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	m, err := New(c, rng)
	if err != nil {
		t.Fatal(err)
	}
	set, err := lora.Attach(context.Background(), b.LM, c.LoRA(), rng)
	if err != nil {
		t.Fatal(err)
	}
	return m, set
}

// synthSample returns a synthetic Sample of T = tinyT frames (0.5 s apart,
// 3 s long) whose pooled features mark the frames [start, end] with a ramp
// in column 0, with two noun tracks, and, when choices is set, a question
// with three choices whose answer is answer.
func synthSample(t testing.TB, tok *fusion.Tokenizer, seed uint64, query string, start, end int, choices bool, answer int) *Sample {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	T := tinyT
	s := &Sample{
		Video: "synth", Query: query, Kind: "ground", Duration: 3,
		PooledDim: tinyPooled, AuxDim: tinyAux, Nouns: 2, Answer: -1,
		Start: start, End: end,
	}
	for i := range T {
		s.Times = append(s.Times, 0.5*float64(i))
	}
	s.GT = [][2]float64{{s.Times[start], s.Times[end] + 0.5}}
	s.Pooled = make([]float32, T*tinyPooled)
	for i := range s.Pooled {
		s.Pooled[i] = float32(rng.NormFloat64() * 0.3)
	}
	for f := start; f <= end; f++ {
		s.Pooled[f*tinyPooled] += 2
	}
	s.Aux = make([]float32, T*tinyAux)
	for i := range s.Aux {
		s.Aux[i] = float32(rng.NormFloat64())
	}
	s.Text = make([]float32, tinyText)
	for i := range s.Text {
		s.Text[i] = float32(rng.NormFloat64())
	}
	ids, err := tok.Encode(query)
	if err != nil {
		t.Fatal(err)
	}
	s.Tokens = ids
	s.Presence = make([]float32, 2*T)
	for f := range T {
		s.Presence[f] = 1 // track 0 everywhere
		if f >= start && f <= end {
			s.Presence[T+f] = 1 // track 1 inside the span
		}
	}
	if choices {
		s.Kind = "what"
		s.ChoiceText = []string{"red", "blue", "green"}
		s.Choices = make([]float32, 3*tinyText)
		for i := range s.Choices {
			s.Choices[i] = float32(rng.NormFloat64())
		}
		s.Answer = answer
	}
	return s
}

// synthSamples returns four grounding samples and two questions with
// distinct targets.
func synthSamples(t testing.TB, tok *fusion.Tokenizer) []*Sample {
	t.Helper()
	return []*Sample{
		synthSample(t, tok, 1, "the red ball moves left", 0, 1, false, -1),
		synthSample(t, tok, 2, "the blue box moves right", 2, 4, false, -1),
		synthSample(t, tok, 3, "the red box stops", 4, 5, false, -1),
		synthSample(t, tok, 4, "the ball moves", 1, 3, false, -1),
		synthSample(t, tok, 5, "what colour is the ball ?", 3, 3, true, 1),
		synthSample(t, tok, 6, "what colour is the box ?", 0, 2, true, 2),
	}
}

// questionSamples returns four questions with distinct span targets and
// answers: every batch of them uses the choice head (see
// TestTrainBatchWithoutQuestion).
func questionSamples(t testing.TB, tok *fusion.Tokenizer) []*Sample {
	t.Helper()
	return []*Sample{
		synthSample(t, tok, 11, "what colour is the ball ?", 0, 1, true, 0),
		synthSample(t, tok, 12, "what colour is the box ?", 2, 4, true, 1),
		synthSample(t, tok, 13, "what moves left ?", 4, 5, true, 2),
		synthSample(t, tok, 14, "what stops ?", 1, 3, true, 1),
	}
}
