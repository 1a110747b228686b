// Command train-shapes trains the shape classifier of package
// segment/learneddet (the second stage of learneddet.ShapeDetector) on
// the synthetic benchmark, and scores it on a held-out split.
//
// Each example is one visible entity of a rendered benchmark frame: the
// colour-match map (learneddet.ShapeInput) of the window around its box,
// with the box's sides moved by up to -jitter pixels and the colour taken
// as the median under its mask plus noise, as the detector's coarse masks
// give them; the label is its shape. The shipped weights came from:
//
//	go run ./examples/train-shapes -out segment/learneddet/weights/shapes
//
// It prints the held-out accuracy as JSON on standard output; progress
// goes to standard error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"time"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/learneddet"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "train-shapes:", err)
		os.Exit(1)
	}
}

type options struct {
	out                    string
	seed, evalSeed         uint64
	videos, evalVideos     int
	frames, steps, batch   int
	hidden, jitter, minPix int
	lr                     float64
}

// examples are colour-match maps (N, ShapeInputDim) and their labels.
type examples struct {
	x      []float32
	labels []int
}

func (e *examples) n() int { return len(e.labels) }

func run(ctx context.Context, args []string, out, log io.Writer) error {
	fs := flag.NewFlagSet("train-shapes", flag.ContinueOnError)
	fs.SetOutput(log)
	var o options
	fs.StringVar(&o.out, "out", "", "checkpoint directory (required)")
	fs.Uint64Var(&o.seed, "seed", 1, "training split seed, initialisation and batch order")
	fs.Uint64Var(&o.evalSeed, "eval-seed", 20261125, "held-out test split seed")
	fs.IntVar(&o.videos, "videos", 300, "training videos")
	fs.IntVar(&o.evalVideos, "eval-videos", 40, "held-out videos")
	fs.IntVar(&o.frames, "frames", 12, "frames sampled per video")
	fs.IntVar(&o.steps, "steps", 3000, "optimiser steps")
	fs.IntVar(&o.batch, "batch", 128, "examples per step")
	fs.IntVar(&o.hidden, "hidden", 128, "hidden units")
	fs.IntVar(&o.jitter, "jitter", 2, "largest shift of a box side, pixels")
	fs.IntVar(&o.minPix, "min-area", 12, "fewest visible pixels of an example")
	fs.Float64Var(&o.lr, "lr", 2e-3, "peak learning rate (cosine, 5% warm-up)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case o.out == "":
		return fmt.Errorf("-out is required")
	case o.videos < 1 || o.evalVideos < 1 || o.frames < 1 || o.steps < 1 || o.batch < 1 || o.hidden < 1 || o.jitter < 0:
		return fmt.Errorf("-videos, -eval-videos, -frames, -steps, -batch and -hidden must be positive, -jitter >= 0")
	}
	shapes := synth.Shapes()
	t0 := time.Now()
	train, err := collect(ctx, "train", o.seed, o.videos, o, shapes)
	if err != nil {
		return err
	}
	test, err := collect(ctx, "test", o.evalSeed, o.evalVideos, o, shapes)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "%d training and %d held-out examples in %s\n", train.n(), test.n(), time.Since(t0).Round(time.Second))
	rng := rand.New(rand.NewPCG(o.seed, 7))
	m, err := learneddet.NewShapeClassifier(learneddet.ShapeConfig{Shapes: shapes, Hidden: o.hidden}, rng)
	if err != nil {
		return err
	}
	if err := fit(ctx, m, train, o, rng, log); err != nil {
		return err
	}
	if err := m.Save(ctx, o.out); err != nil {
		return err
	}
	acc, perShape, err := accuracy(m, test)
	if err != nil {
		return err
	}
	trainAcc, _, err := accuracy(m, train)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(map[string]any{
		"train_accuracy": trainAcc, "heldout_accuracy": acc, "heldout_per_shape": perShape,
		"train_examples": train.n(), "heldout_examples": test.n(), "eval_seed": o.evalSeed,
	})
}

// collect renders o.frames evenly spaced frames of n videos of split and
// seed and turns every entity with at least o.minPix visible pixels into
// an example.
func collect(ctx context.Context, split string, seed uint64, n int, o options, shapes []string) (*examples, error) {
	ex := &examples{}
	rng := rand.New(rand.NewPCG(seed, 11))
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := synth.Generate(synth.Config{Split: split}, seed, i)
		if err != nil {
			return nil, err
		}
		m := v.Meta
		rgb := make([]byte, m.Width*m.Height*3)
		frame := make([]float32, len(rgb))
		for k := range o.frames {
			t := min(m.Frames-1, (2*k+1)*m.Frames/(2*o.frames))
			if err := v.RGB(t, rgb); err != nil {
				return nil, err
			}
			for j, b := range rgb {
				frame[j] = float32(b) / 255
			}
			for _, tr := range m.Tracks {
				bits, err := tr.Mask(t, m.Width, m.Height)
				if err != nil {
					return nil, err
				}
				mask := segment.NewMask(m.Width, m.Height)
				for j, b := range bits {
					if b {
						mask.Set(j%m.Width, j/m.Width, true)
					}
				}
				if mask.Area() < o.minPix {
					continue
				}
				box, _ := mask.Box()
				j := func() int { return rng.IntN(2*o.jitter+1) - o.jitter }
				box = segment.Box{X0: box.X0 + j(), Y0: box.Y0 + j(), X1: box.X1 + j(), Y1: box.Y1 + j()}
				if box.Empty() {
					continue
				}
				col := learneddet.MedianColour(frame, mask)
				for c := range col {
					col[c] += float32(rng.NormFloat64() * 0.03)
				}
				in := make([]float32, learneddet.ShapeInputDim)
				learneddet.ShapeInput(in, frame, m.Width, m.Height, box, col)
				label := -1
				for s, name := range shapes {
					if name == m.Entities[tr.Entity].Shape {
						label = s
					}
				}
				if label < 0 {
					return nil, fmt.Errorf("video %s: unknown shape %q", m.ID, m.Entities[tr.Entity].Shape)
				}
				ex.x = append(ex.x, in...)
				ex.labels = append(ex.labels, label)
			}
		}
	}
	if ex.n() == 0 {
		return nil, fmt.Errorf("%s split of seed %d: no examples", split, seed)
	}
	return ex, nil
}

// fit trains m on ex: cross-entropy, AdamW (weight decay 0.01), cosine
// with 5% warm-up, gradient norm clipped at 1.
func fit(ctx context.Context, m *learneddet.ShapeClassifier, ex *examples, o options, rng *rand.Rand, log io.Writer) error {
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01})
	names := []string{"hidden.w", "hidden.b", "out.w", "out.b"}
	var sum float64
	count := 0
	t0 := time.Now()
	for step := range o.steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		x := make([]float32, 0, o.batch*learneddet.ShapeInputDim)
		labels := make([]int, o.batch)
		for b := range labels {
			k := rng.IntN(ex.n())
			x = append(x, ex.x[k*learneddet.ShapeInputDim:(k+1)*learneddet.ShapeInputDim]...)
			labels[b] = ex.labels[k]
		}
		g := nn.NewGraph()
		loss := nn.CrossEntropy(g, m.Logits(g, g.Const(tensor.New(tensor.WithShape(o.batch, learneddet.ShapeInputDim), tensor.WithBacking(x)))), labels)
		if err := g.Backward(loss); err != nil {
			return err
		}
		if err := g.Run(ctx); err != nil {
			return err
		}
		sum += float64(g.Value(loss).Float32s()[0])
		count++
		var ps []optim.Param
		for i, p := range m.Params() {
			grad, err := g.Grad(p)
			if err != nil {
				return fmt.Errorf("step %d: %s: %w", step, names[i], err)
			}
			ps = append(ps, optim.Param{Name: names[i], Value: p.Float32s(), Grad: grad.Float32s()})
		}
		optim.ClipGlobalNorm(ps, 1)
		if err := opt.Step(optim.Cosine(step, o.steps, o.steps/20, o.lr, o.lr/20), ps); err != nil {
			return err
		}
		if (step+1)%200 == 0 || step+1 == o.steps {
			fmt.Fprintf(log, "step %d/%d loss %.4f %.1f ms/step\n", step+1, o.steps, sum/float64(count), float64(time.Since(t0).Milliseconds())/float64(step+1))
			sum, count = 0, 0
		}
	}
	return nil
}

// accuracy returns the share of ex that m classifies right, overall and
// per shape name.
func accuracy(m *learneddet.ShapeClassifier, ex *examples) (float64, map[string]float64, error) {
	prob, err := m.Probabilities(ex.x)
	if err != nil {
		return 0, nil, err
	}
	k := len(m.Config.Shapes)
	right, total := make([]int, k), make([]int, k)
	all := 0
	for i, l := range ex.labels {
		best := 0
		for c := range k {
			if prob[i*k+c] > prob[i*k+best] {
				best = c
			}
		}
		total[l]++
		if best == l {
			right[l]++
			all++
		}
	}
	per := map[string]float64{}
	for c, name := range m.Config.Shapes {
		if total[c] > 0 {
			per[name] = float64(right[c]) / float64(total[c])
		}
	}
	return float64(all) / float64(ex.n()), per, nil
}
