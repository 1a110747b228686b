package optim_test

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/optim"
)

// Example fits w to minimise (w - 3)^2 with the paper's recipe: AdamW, 5%
// warm-up, cosine decay and clipping.
func Example() {
	w := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{0}))
	if err := optim.Uniform(w, rand.New(rand.NewPCG(1, 2)), -1, 1); err != nil {
		fmt.Println(err)
		return
	}
	opt := optim.NewAdamW(optim.DefaultAdamW())
	const total = 400
	warmup := int(optim.PaperWarmupFraction * total)
	grad := make([]float32, 1)
	for step := range total {
		grad[0] = 2 * (w.Float32s()[0] - 3)
		params := []optim.Param{{Name: "w", Value: w.Float32s(), Grad: grad}}
		optim.ClipGlobalNorm(params, 1)
		if err := opt.Step(optim.Cosine(step, total, warmup, 0.1, 0.001), params); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("w = %.2f\n", w.Float32s()[0])
	// Output:
	// w = 3.00
}
