package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
	"github.com/videodit/videodit/internal/synth"
)

// auxBatch returns the classifier inputs (N, Size*Size*3) and labels (N, C)
// of the frames of n clips.
func auxBatch(f *diffusion.FrameClassifier, src *clipSource, r *rand.Rand, first, n int) (*tensor.Dense, *tensor.Dense, error) {
	var in, labels []float32
	rows := 0
	for i := range n {
		s, err := src.clip(r, first+i)
		if err != nil {
			return nil, nil, err
		}
		x, err := f.Input(s.clip.Frames)
		if err != nil {
			return nil, nil, err
		}
		k := s.clip.T
		in = append(in, x.Float32s()[:k*f.Size*f.Size*3]...)
		for _, p := range s.present {
			labels = append(labels, p...)
		}
		rows += k
	}
	c := f.AuxDim()
	return tensor.New(tensor.WithShape(rows, f.Size, f.Size, 3), tensor.WithBacking(in)),
		tensor.New(tensor.WithShape(rows, c), tensor.WithBacking(labels)), nil
}

// trainAux trains the default auxiliary encoder (diffusion.FrameClassifier)
// to tell which colours and shapes are present in a frame, and saves it to
// OUT/aux with its held-out per-label accuracy.
func trainAux(ctx context.Context, o options, w io.Writer) error {
	classes := append(synth.Colours(), synth.Shapes()...)
	cfg := diffusion.FrameClassifierConfig{Size: 64, Hidden: 64, Classes: classes}
	f := diffusion.NewFrameClassifier(rand.New(rand.NewPCG(o.seed, 2)), cfg.Size, cfg.Hidden, len(classes))
	src := o.source("aux", o.seed+2000)
	held := o.source("auxheld", o.seed+3000)
	opt := optim.NewAdamW(optim.AdamWConfig{Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, WeightDecay: 0.01})
	names := map[*tensor.Dense]string{f.In.W: "in.w", f.In.B: "in.b", f.Out.W: "out.w", f.Out.B: "out.b"}
	for step := range o.auxSteps {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := rand.New(rand.NewPCG(o.seed, uint64(5000+step)))
		in, labels, err := auxBatch(f, src, r, step*o.batch, o.batch)
		if err != nil {
			return err
		}
		g := nn.NewGraph()
		loss := f.Loss(g, f.Forward(g, g.Const(in)), labels)
		if err := g.Backward(loss); err != nil {
			return err
		}
		if err := g.Run(ctx); err != nil {
			return err
		}
		var ps []optim.Param
		for _, p := range g.Params() {
			grad, err := g.Grad(p)
			if err != nil {
				return err
			}
			ps = append(ps, optim.Param{Name: names[p], Value: p.Float32s(), Grad: grad.Float32s()})
		}
		lr := optim.Cosine(step, o.auxSteps, o.auxSteps/20, o.auxLR, o.auxLR/30)
		if err := opt.Step(lr, ps); err != nil {
			return err
		}
		if (step+1)%o.logEvery == 0 {
			fmt.Fprintf(w, "aux step %d/%d loss %.4f\n", step+1, o.auxSteps, g.Value(loss).Float32s()[0])
		}
	}
	in, labels, err := auxBatch(f, held, rand.New(rand.NewPCG(9, 9)), 0, 16)
	if err != nil {
		return err
	}
	e := nn.NewEager()
	logits := e.Dense(f.Forward(e, e.Const(in)))
	if err := e.Err(); err != nil {
		return err
	}
	var right, pos, posRight int
	for i, y := range labels.Float32s() {
		pred := logits.Float32s()[i] > 0
		if pred == (y == 1) {
			right++
		}
		if y == 1 {
			pos++
			if pred {
				posRight++
			}
		}
	}
	fmt.Fprintf(w, "aux held-out: %d frames, per-label accuracy %.4f, recall of present labels %.4f\n",
		labels.Shape()[0], float64(right)/float64(labels.Shape().TotalSize()), float64(posRight)/float64(max(pos, 1)))
	return checkpoint.Save(ctx, filepath.Join(o.out, "aux"), cfg, f)
}
