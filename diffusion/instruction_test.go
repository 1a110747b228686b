package diffusion

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/internal/nn"
)

func TestBagOfWords(t *testing.T) {
	b := NewBagOfWords(rand.New(rand.NewPCG(1, 1)), []string{"red", "circle"}, 3)
	rows := b.Table.Float32s() // red, circle, unknown
	mean := func(ids ...int) []float32 {
		out := make([]float32, 3)
		for _, id := range ids {
			for j := range 3 {
				out[j] += rows[id*3+j] / float32(len(ids))
			}
		}
		return out
	}
	tests := []struct {
		text string
		want []float32
	}{
		{"", []float32{0, 0, 0}},
		{" ,.! ", []float32{0, 0, 0}},
		{"Red", mean(0)},
		{"the RED circle", mean(2, 0, 1)},
		{"red, red", mean(0, 0)},
	}
	for _, tc := range tests {
		e := nn.NewEager()
		got := e.Dense(b.EmbedInstruction(e, tc.text))
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got.Float32s(), cmpopts.EquateApprox(0, 1e-6)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.text, diff)
		}
	}
}

// constantText is an InstructionEncoder that ignores the text.
type constantText struct{ v []float32 }

func (c constantText) EmbedInstruction(e nn.Exec, _ string) nn.V {
	return e.Const(dense(append([]float32(nil), c.v...), len(c.v)))
}
func (c constantText) Width() int { return len(c.v) }

// TestInstructionEncoderReplaces checks that Denoiser.Instruction takes the
// place of the bag of words.
func TestInstructionEncoderReplaces(t *testing.T) {
	frames, masks := testFrames(1, 4, 16, 16)
	enc := tinyEncoder(t, tinyOptions())
	// A fresh denoiser's adaptive layer norms start at zero (adaLN-Zero),
	// which hides the conditioning: draw them at random.
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range enc.Denoiser.Blocks {
		enc.Denoiser.Blocks[i].Mod = *nn.NewAdaLNRandom(rng, 16, 16, 6)
	}
	ctx := context.Background()
	a, err := enc.Encode(ctx, frames, masks, "red")
	if err != nil {
		t.Fatal(err)
	}
	enc.Denoiser.Instruction = constantText{[]float32{3, -1, 2, 0.5}}
	b, err := enc.Encode(ctx, frames, masks, "red")
	if err != nil {
		t.Fatal(err)
	}
	c, err := enc.Encode(ctx, frames, masks, "circle")
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(a.Float32s(), b.Float32s()) {
		t.Errorf("replacing the instruction encoder changed nothing")
	}
	if diff := cmp.Diff(b.Float32s(), c.Float32s()); diff != "" {
		t.Errorf("a text-blind encoder gave different features for two texts (-red +circle):\n%s", diff)
	}
}
