package checkpoint_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
)

type Linear struct {
	W *tensor.Dense `st:"weight"`
	B *tensor.Dense `st:"bias,optional"`
}

type Model struct {
	Blocks []Linear `st:"blocks"`
}

type Config struct {
	Blocks int `json:"blocks"`
}

func Example() {
	dir, err := os.MkdirTemp("", "ckpt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	dir = filepath.Join(dir, "tiny")

	src := &Model{Blocks: []Linear{
		{W: tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float32{1, 2})), B: tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{0.5}))},
		{W: tensor.New(tensor.WithShape(1, 1), tensor.WithBacking([]float32{3}))},
	}}
	ctx := context.Background()
	if err := checkpoint.Save(ctx, dir, Config{Blocks: 2}, src); err != nil {
		fmt.Println(err)
		return
	}

	var cfg Config
	if err := checkpoint.ReadConfig(dir, &cfg); err != nil {
		fmt.Println(err)
		return
	}
	dst := &Model{Blocks: make([]Linear, cfg.Blocks)} // fields nil: Load allocates them
	if err := checkpoint.Load(ctx, dir, nil, dst); err != nil {
		fmt.Println(err)
		return
	}
	checkpoint.Walk(dst, func(name string, t **tensor.Dense) error {
		if *t != nil {
			fmt.Println(name, (*t).Shape(), (*t).Float32s())
		}
		return nil
	})
	// Output:
	// blocks.0.weight (1, 2) [1 2]
	// blocks.0.bias (1) [0.5]
	// blocks.1.weight (1, 1) [3]
}
