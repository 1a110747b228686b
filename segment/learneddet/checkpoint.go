package learneddet

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
)

// weights is the shipped checkpoint, trained by examples/train-detector.
//
//go:embed weights
var weights embed.FS

// Save writes m as a checkpoint directory (config.json and
// model.safetensors, written atomically) that LoadDir reads.
func (m *Model) Save(ctx context.Context, dir string) error {
	if err := checkpoint.Save(ctx, dir, m.cfg, m); err != nil {
		return fmt.Errorf("learneddet: saving %s: %w", dir, err)
	}
	return nil
}

// SetScore changes how m's proposals are scored (Config.Score).
func (m *Model) SetScore(score string) error {
	c := m.cfg
	c.Score = score
	if err := c.Check(); err != nil {
		return err
	}
	m.cfg = c
	return nil
}

// LoadModel reads a checkpoint directory written by Model.Save.
func LoadModel(ctx context.Context, dir string) (*Model, error) {
	m, err := loadFS(ctx, os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("learneddet: loading %s: %w", dir, err)
	}
	return m, nil
}

// embeddedModel decodes the shipped checkpoint.
func embeddedModel(ctx context.Context) (*Model, error) {
	dir, err := fs.Sub(weights, "weights")
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded weights: %w", err)
	}
	m, err := loadFS(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded weights: %w", err)
	}
	return m, nil
}

// loadFS reads a checkpoint (config.json, model.safetensors) from the root
// of fsys: the file must hold exactly the tensors of the configuration,
// with their shapes.
func loadFS(ctx context.Context, fsys fs.FS) (*Model, error) {
	var cfg Config
	if err := checkpoint.ReadConfigFS(fsys, &cfg); err != nil {
		return nil, err
	}
	m, err := emptyModel(cfg)
	if err != nil {
		return nil, err
	}
	if err := checkpoint.LoadFS(ctx, fsys, nil, m); err != nil {
		return nil, err
	}
	if err := m.checkShapes(); err != nil {
		return nil, err
	}
	return m, nil
}

// checkShapes compares every tensor's shape with the one NewModel builds
// for m's configuration.
func (m *Model) checkShapes() error {
	ref, err := NewModel(m.cfg, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return err
	}
	// nil stands for an absent optional tensor (a linear map without bias).
	shapeOf := func(t *tensor.Dense) []int {
		if t == nil {
			return nil
		}
		return []int(t.Shape())
	}
	want := map[string][]int{}
	if err := checkpoint.Walk(ref, func(n string, t **tensor.Dense) error {
		want[n] = shapeOf(*t)
		return nil
	}); err != nil {
		return err
	}
	return checkpoint.Walk(m, func(n string, t **tensor.Dense) error {
		if got := shapeOf(*t); !slices.Equal(got, want[n]) {
			return fmt.Errorf("tensor %q: %w: config wants %v, checkpoint has %v", n, checkpoint.ErrShape, want[n], got)
		}
		return nil
	})
}
