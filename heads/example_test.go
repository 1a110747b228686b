package heads_test

import (
	"fmt"

	"github.com/videodit/videodit/heads"
)

// Decode a span from start and end logits over four frames sampled every
// 0.5 s of a 2 s video, then score it against the ground truth.
func Example() {
	ps, _ := heads.Softmax([]float64{0, 3, 1, 0})
	pe, _ := heads.Softmax([]float64{2, 0, 0, 3})
	s, e, score, err := heads.DecodeSpan(ps, pe) // Eq. 16
	if err != nil {
		fmt.Println(err)
		return
	}
	span, err := heads.SpanSeconds(s, e, []float64{0, 0.5, 1, 1.5}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("frames [%d, %d], score %.3f, seconds %v\n", s, e, score, span)

	r, err := heads.Evaluate([]heads.Query{{
		ID:   "q1",
		GT:   []heads.Span{{Start: 0.4, End: 1.9}},
		Pred: []heads.Span{span},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n=%d R1@0.7=%g mIoU=%.1f mIoP=%.1f\n", r.N, r.R1At07, r.MIoU, r.MIoP)
	// Output:
	// frames [1, 3], score 0.552, seconds [0.5, 2]
	// n=1 R1@0.7=100 mIoU=87.5 mIoP=93.3
}
