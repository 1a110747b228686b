package gemm_test

import (
	"fmt"

	"github.com/videodit/videodit/internal/gemm"
)

// A linear layer's product y = x W^T: x is (2,3), W is stored (out,in) =
// (2,3), so B is transposed.
func ExampleSgemm() {
	x := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	w := []float32{
		1, 0, 1,
		0, 1, 0,
	}
	y := make([]float32, 2*2)
	gemm.Sgemm(false, true, 2, 2, 3, 1, x, 3, w, 3, 0, y, 2)
	fmt.Println(y)
	// Output: [4 2 10 5]
}

// Attention scores for 2 heads of 2 tokens with head width 2: S_h = Q_h K_h^T,
// each head's matrices stored one after the other.
func ExampleSgemmBatched() {
	q := []float32{1, 0, 0, 1 /* head 1 */, 1, 1, 2, 0}
	k := []float32{1, 2, 3, 4 /* head 1 */, 1, 0, 0, 1}
	s := make([]float32, 2*2*2)
	gemm.SgemmBatched(false, true, 2, 2, 2, 2, 1, q, 4, 2, k, 4, 2, 0, s, 4, 2)
	fmt.Println(s)
	// Output: [1 3 2 4 1 1 2 0]
}
