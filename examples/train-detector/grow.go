package main

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/segment/learneddet"
)

// resized returns a copy of m for an input of size x size pixels (same
// patch side): every tensor is copied except the learned positions "pos",
// (L, Dim) over a G x G grid of tokens (row-major), which are resampled
// bilinearly (learneddet.Resize) to the new grid. It lets a run fine-tune a
// checkpoint at a larger input (-init with -size).
func resized(m *learneddet.Model, size int) (*learneddet.Model, error) {
	cfg := m.Config()
	old := cfg.Size / cfg.Patch
	cfg.Size = size
	out, err := learneddet.NewModel(cfg, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, fmt.Errorf("resizing the input to %d: %w", size, err)
	}
	src := map[string]*tensor.Dense{}
	if err := checkpoint.Walk(m, func(name string, t **tensor.Dense) error {
		src[name] = *t
		return nil
	}); err != nil {
		return nil, err
	}
	g := size / cfg.Patch
	err = checkpoint.Walk(out, func(name string, t **tensor.Dense) error {
		s := src[name]
		if s == nil || *t == nil {
			return nil
		}
		if name != "pos" {
			*t = s.Clone().(*tensor.Dense)
			return nil
		}
		learneddet.Resize((*t).Float32s(), g, g, s.Float32s(), old, old, cfg.Dim)
		return nil
	})
	return out, err
}
