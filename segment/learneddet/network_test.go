package learneddet

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// tinyConfig is a network small enough to train a few steps in a test.
func tinyConfig() Config {
	return Config{Size: 16, Patch: 4, Dim: 16, Heads: 2, Hidden: 32, Backbone: 1, Conditioned: 1,
		WordDim: 8, PhraseDim: 16, PixelDim: 4, Vocab: []string{"red", "blue", "green", "square", "circle", "star"}, Threshold: 0.5}
}

// tinyBatch is two 16x16 frames of segmenttest's clip (a red square and,
// in the second frame, a blue circle) with a positive and a negative
// phrase per frame.
func tinyBatch(t *testing.T, cfg Config) Batch {
	t.Helper()
	clip := segmenttest.NewClip(2, 16, 16)
	// Frame 1 has the disk: NewClip shows it from frame T/3 = 0 on; both
	// frames show both entities.
	var b Batch
	b.Frames = clip.Video.Frames.Float32s()
	add := func(frame int, phrase string, m segment.Mask) {
		ids, err := cfg.Words(phrase)
		if err != nil {
			t.Fatal(err)
		}
		b.Items.Frame = append(b.Items.Frame, frame)
		b.Items.Words = append(b.Items.Words, ids)
		present := float32(0)
		for y := range 16 {
			for x := range 16 {
				v := float32(0)
				if m.At(x, y) {
					v, present = 1, 1
				}
				b.Masks = append(b.Masks, v)
			}
		}
		b.Present = append(b.Present, present)
	}
	for f := range 2 {
		add(f, "red square", clip.Masks["red square"][f])
		add(f, "blue circle", clip.Masks["blue circle"][f])
		add(f, "green star", segment.NewMask(16, 16))
	}
	return b
}

// TestTrainingStepsLowerLoss takes five AdamW steps on one tiny batch
// through the graph executor and requires the loss to fall.
func TestTrainingStepsLowerLoss(t *testing.T) {
	cfg := tinyConfig()
	m, err := NewModel(cfg, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	b := tinyBatch(t, cfg)
	opt := optim.NewAdamW(optim.DefaultAdamW())
	var losses []float32
	for step := range 6 {
		g := nn.NewGraph()
		l, err := m.Loss(g, b)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Backward(l.Total); err != nil {
			t.Fatal(err)
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		losses = append(losses, g.Value(l.Total).Float32s()[0])
		var ps []optim.Param
		err = checkpoint.Walk(m, func(name string, p **tensor.Dense) error {
			if *p == nil {
				return nil
			}
			grad, err := g.Grad(*p)
			if err != nil {
				return err
			}
			ps = append(ps, optim.Param{Name: name, Value: (*p).Float32s(), Grad: grad.Float32s()})
			return nil
		})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if err := opt.Step(1e-2, ps); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
	t.Logf("losses %v", losses)
	if !(losses[len(losses)-1] < 0.9*losses[0]) {
		t.Errorf("loss %v -> %v after %d steps, want a fall of at least 10%%", losses[0], losses[len(losses)-1], len(losses)-1)
	}
}

// TestLossErrors checks that malformed batches are errors.
func TestLossErrors(t *testing.T) {
	cfg := tinyConfig()
	m, err := NewModel(cfg, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	good := tinyBatch(t, cfg)
	for name, edit := range map[string]func(*Batch){
		"no frames":        func(b *Batch) { b.Frames = nil },
		"short masks":      func(b *Batch) { b.Masks = b.Masks[:10] },
		"missing presence": func(b *Batch) { b.Present = b.Present[:1] },
		"frame out of range": func(b *Batch) {
			b.Items.Frame = append([]int(nil), b.Items.Frame...)
			b.Items.Frame[0] = 5
		},
		"empty phrase": func(b *Batch) {
			b.Items.Words = append([][]int(nil), b.Items.Words...)
			b.Items.Words[0] = nil
		},
		"word id out of range": func(b *Batch) {
			b.Items.Words = append([][]int(nil), b.Items.Words...)
			b.Items.Words[0] = []int{99}
		},
	} {
		b := good
		edit(&b)
		if _, err := m.Loss(nn.NewGraph(), b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestSaveLoad round-trips a model through a checkpoint directory and
// checks that detections agree; a checkpoint whose config does not match
// its tensors is an error.
func TestSaveLoad(t *testing.T) {
	ctx := context.Background()
	cfg := tinyConfig()
	m, err := NewModel(cfg, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.Save(ctx, dir); err != nil {
		t.Fatal(err)
	}
	d1, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	d2, err := LoadDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cfg, d2.Model().Config()); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	clip := segmenttest.NewClip(2, 24, 20)
	phrases := []segment.Phrase{{Text: "red square", Head: "square"}, {Text: "blue circle", Head: "circle"}}
	p1, err := d1.Detect(ctx, clip.Video.Frames, phrases)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := d2.Detect(ctx, clip.Video.Frames, phrases)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p1, p2, cmp.Comparer(func(a, b segment.Mask) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("detections after reload (-saved +loaded):\n%s", diff)
	}

	// A config asking for another width than the weights have.
	bad := cfg
	bad.Dim = 32
	if err := checkpoint.Save(ctx, filepath.Join(dir, "bad"), bad, m); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(ctx, filepath.Join(dir, "bad")); !errors.Is(err, checkpoint.ErrShape) {
		t.Errorf("LoadDir with a mismatched config: %v, want ErrShape", err)
	}
	if _, err := LoadDir(ctx, filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadDir of a missing directory: %v, want os.ErrNotExist", err)
	}
	if _, err := New(nil); err == nil {
		t.Error("New(nil): no error")
	}
}
