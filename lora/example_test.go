package lora_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/lora"
)

// block is a stand-in for a transformer layer: two linears named by st tags.
type block struct {
	Q   nn.Linear `st:"self_attn.q_proj"`
	Out nn.Linear `st:"out"`
}

func Example() {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	m := &block{Q: *nn.NewLinear(rng, 4, 3, false), Out: *nn.NewLinear(rng, 3, 2, false)}
	x := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{1, -1, 0.5, 2}))
	run := func() []float32 {
		e := nn.NewEager()
		return e.Dense(m.Out.Forward(e, m.Q.Forward(e, e.Const(x)))).Float32s()
	}
	base := run()

	targets, _ := lora.Projections("q")
	s, err := lora.Attach(ctx, m, lora.Config{Rank: 2, Alpha: 4, Targets: targets}, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	a := s.Adapters()[0]
	fmt.Println("adapted:", a.Name, "A", a.A.Shape(), "B", a.B.Shape())
	fmt.Println("fresh adapter leaves the output unchanged:", fmt.Sprint(run()) == fmt.Sprint(base))

	// Pretend training moved B; the output changes, merging keeps it.
	copy(a.B.Float32s(), []float32{0.5, 0, 0, 0.5, -0.5, 0.25})
	trained := run()
	fmt.Println("trained adapter changes the output:", fmt.Sprint(trained) != fmt.Sprint(base))
	if err := s.Merge(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("merged %.4f, unmerged %.4f\n", run(), trained)

	_, err = lora.Attach(ctx, m, lora.Config{Rank: 2, Alpha: 4, Targets: []string{"k_proj$"}}, rng)
	fmt.Println(err)
	// Output:
	// adapted: self_attn.q_proj A (2, 4) B (3, 2)
	// fresh adapter leaves the output unchanged: true
	// trained adapter changes the output: true
	// merged [-0.0984 0.5027], unmerged [-0.0984 0.5027]
	// lora: unusable LoRA target: no linear of the model matches the targets
}
