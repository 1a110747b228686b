package fusion_test

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
)

// From per-frame features to the language model's input: tokenize the
// query, embed time (Eq. 11), fuse (Eq. 13) and lay out the mixed-token
// sequence with the paper's budgets; the frame positions go to the span
// heads.
func Example() {
	// A vocabulary trained on a tiny corpus, with 8 time tokens.
	corpus := append(fusion.CommonWords(), "when does the red circle enter")
	vocab, err := fusion.TrainVocab(corpus, fusion.VocabOptions{Size: 2000, TimeTokens: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := fusion.NewTokenizer(vocab)
	if err != nil {
		fmt.Println(err)
		return
	}
	// "re" is a piece of corpus words ("red", "return"); "-" and "?" are
	// runes the corpus never holds, so their words are [UNK].
	fmt.Println(tok.Tokenize("When does the red circle re-enter?"))

	const T, dv, dt, df, dllm = 16, 32, 8, 8, 64
	timeEnc, err := fusion.NewSinusoidal(df)
	if err != nil {
		fmt.Println(err)
		return
	}
	eTime, err := timeEnc.Embed(T)
	if err != nil {
		fmt.Println(err)
		return
	}
	fuser, err := fusion.NewConcatFuser(rand.New(rand.NewPCG(1, 2)), fusion.FuserConfig{VisualDim: dv, TextDim: dt, TimeDim: df, LLMDim: dllm, Eps: 1e-5})
	if err != nil {
		fmt.Println(err)
		return
	}
	z := tensor.New(tensor.WithShape(T, dv), tensor.WithBacking(make([]float32, T*dv))) // z_t from the diffusion encoder
	eText := make([]float32, dt)                                                        // e_text from a TextEncoder
	frames, err := fuser.Fuse(z, eText, eTime)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("frame tokens", frames.Shape())

	seq, err := fusion.BuildSequence(fusion.SequenceInput{
		Instruction: tensor.New(tensor.WithShape(5, dllm), tensor.WithBacking(make([]float32, 5*dllm))),
		Objects:     tensor.New(tensor.WithShape(2, T, dllm), tensor.WithBacking(make([]float32, 2*T*dllm))),
		TimeTable:   tensor.New(tensor.WithShape(8, dllm), tensor.WithBacking(make([]float32, 8*dllm))),
		Frames:      frames,
	}, fusion.DefaultBudgets())
	if err != nil {
		fmt.Println(err)
		return
	}
	lay := seq.Layout
	fmt.Println("sequence", seq.Embeddings.Shape())
	fmt.Println("object tokens", lay.Objects)
	fmt.Println("time tokens", lay.Time)
	fmt.Println("frame tokens", lay.Frames)
	// Output:
	// [when does the red circle re [UNK] enter [UNK]]
	// frame tokens (16, 64)
	// sequence (37, 64)
	// object tokens [[5 6 7 8] [9 10 11 12]]
	// time tokens [13 16 19 22 25 28 31 34]
	// frame tokens [14 15 17 18 20 21 23 24 26 27 29 30 32 33 35 36]
}
