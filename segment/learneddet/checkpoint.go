package learneddet

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/safetensors"
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
	var cfg Config
	if err := checkpoint.ReadConfig(dir, &cfg); err != nil {
		return nil, fmt.Errorf("learneddet: loading %s: %w", dir, err)
	}
	m, err := emptyModel(cfg)
	if err != nil {
		return nil, fmt.Errorf("learneddet: loading %s: %w", dir, err)
	}
	if err := checkpoint.Load(ctx, dir, nil, m); err != nil {
		return nil, fmt.Errorf("learneddet: loading %s: %w", dir, err)
	}
	if err := m.checkShapes(); err != nil {
		return nil, fmt.Errorf("learneddet: loading %s: %w", dir, err)
	}
	return m, nil
}

// embeddedModel decodes the shipped checkpoint.
func embeddedModel(ctx context.Context) (*Model, error) {
	cb, err := weights.ReadFile("weights/config.json")
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded config: %w", err)
	}
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(cb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return nil, fmt.Errorf("learneddet: embedded config: %w", err)
	}
	wb, err := weights.ReadFile("weights/model.safetensors")
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded weights: %w", err)
	}
	m, err := emptyModel(cfg)
	if err != nil {
		return nil, fmt.Errorf("learneddet: embedded config: %w", err)
	}
	if err := m.readWeights(ctx, wb, "embedded model.safetensors"); err != nil {
		return nil, err
	}
	return m, nil
}

// readWeights fills m's tensors from safetensors bytes: the file must hold
// exactly the tensors of m's configuration, with their shapes.
func (m *Model) readWeights(ctx context.Context, b []byte, name string) error {
	r, err := safetensors.NewReader(bytes.NewReader(b), int64(len(b)), name)
	if err != nil {
		return fmt.Errorf("learneddet: %w", err)
	}
	taken := map[string]bool{}
	err = checkpoint.Walk(m, func(n string, t **tensor.Dense) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		info, ok := r.Info(n)
		if !ok {
			// Absent: an optional tensor (a linear map without bias) or
			// an error that checkShapes reports.
			*t = nil
			return nil
		}
		data, err := r.Float32s(n)
		if err != nil {
			return err
		}
		taken[n] = true
		*t = tensor.New(tensor.WithShape(info.Shape...), tensor.WithBacking(data))
		return nil
	})
	if err != nil {
		return fmt.Errorf("learneddet: %s: %w", name, err)
	}
	for _, info := range r.Tensors() {
		if !taken[info.Name] {
			return fmt.Errorf("learneddet: %s: tensor %q: %w", name, info.Name, checkpoint.ErrUnexpected)
		}
	}
	if err := m.checkShapes(); err != nil {
		return fmt.Errorf("learneddet: %s: %w", name, err)
	}
	return nil
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
