package main

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// The transformer block of the comparison: the default model's sizes (issue
// 4: width 256, 4 heads, 128 tokens, MLP 4x), the structure of nn.Block
// (RMSNorm, rotary attention, SwiGLU MLP), mirrored by
// scripts/bench_compare.py.
var blockConfig = nn.BlockConfig{Dim: 256, Heads: 4, Hidden: 4 * 256, RopeBase: 10000, Eps: 1e-5}

const blockSeq = 128

// blockFlops counts the matrix-product flops of one block forward on L
// tokens: q, k, v, o (4 x 2LD^2), gate, up, down (3 x 2LDH) and the two
// attention products (2 x 2L^2D). Backward costs twice the forward's.
func blockFlops(l int, c nn.BlockConfig) float64 {
	L, D, H := float64(l), float64(c.Dim), float64(c.Hidden)
	return 4*2*L*D*D + 3*2*L*D*H + 2*2*L*L*D
}

// blockRows times the block forward in the eager executor, and forward and
// forward+backward (graph built and run each step, as in training) in the
// graph executor. Both executors run their matrix products on internal/gemm.
func blockRows(reps int) ([]row, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	blk := nn.NewBlock(rng, blockConfig)
	x := tensor.New(tensor.WithShape(blockSeq, blockConfig.Dim), tensor.WithBacking(randoms(rng, blockSeq*blockConfig.Dim)))
	fwd := blockFlops(blockSeq, blockConfig)
	ctx := context.Background()

	eager := func() error {
		e := nn.NewEager()
		blk.Forward(e, e.Const(x), nil, nil)
		return e.Err()
	}
	graph := func(backward bool) func() error {
		return func() error {
			g := nn.NewGraph()
			y := blk.Forward(g, g.Const(x), nil, nil)
			if backward {
				loss := g.Reshape(g.Mean(g.Mean(y, 1), 0), 1)
				if err := g.Backward(loss); err != nil {
					return err
				}
			}
			return g.Run(ctx)
		}
	}
	var rows []row
	add := func(key, impl string, flops float64, f func() error) error {
		s, err := best(reps, f)
		if err != nil {
			return fmt.Errorf("%s %s: %w", key, impl, err)
		}
		rows = append(rows, row{key, impl, flops, s})
		return nil
	}
	if err := add("block_fwd", "ours-eager", fwd, eager); err != nil {
		return nil, err
	}
	if err := add("block_fwd", "ours-graph", fwd, graph(false)); err != nil {
		return nil, err
	}
	if err := add("block_fwdbwd", "ours-graph", 3*fwd, graph(true)); err != nil {
		return nil, err
	}
	return rows, nil
}
