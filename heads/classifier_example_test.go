package heads_test

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/heads"
)

// A span head over the hidden states of a 6-token sequence whose last four
// positions are frame tokens sampled every 0.5 s of a 2 s video: decode the
// span (Eq. 15-16) and turn it into seconds.
func ExampleClassifier() {
	c, err := heads.NewClassifier(rand.New(rand.NewPCG(1, 2)), 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Trained weights would come from a checkpoint; here w_s reads feature
	// 0 and w_e feature 1.
	copy(c.Start.W.Float32s(), []float32{4, 0})
	copy(c.End.W.Float32s(), []float32{0, 4})
	hidden := tensor.New(tensor.WithShape(6, 2), tensor.WithBacking([]float32{
		0, 0, 0, 0, // two text tokens
		0, 0, 1, 0, 0, 1, 0, 0, // frames 0-3: start at 1, end at 2
	}))
	span, err := heads.Decode(c, hidden, []int{2, 3, 4, 5})
	if err != nil {
		fmt.Println(err)
		return
	}
	secs, err := heads.SpanSeconds(span.Start, span.End, []float64{0, 0.5, 1, 1.5}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("frames [%d, %d] score %.2f, seconds %v\n", span.Start, span.End, span.Score, secs)
	// Output:
	// frames [1, 2] score 0.90, seconds [0.5, 1.5]
}
