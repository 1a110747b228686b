package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/synth"
)

// loadDenoiser reads the checkpoint in dir.
func loadDenoiser(dir string) (*diffusion.Denoiser, error) {
	cfg, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return diffusion.ReadDenoiser(cfg, f, st.Size())
}

// evidence prints the held-out evidence of the issue for the checkpoint in
// o.probe: the denoising error at tau_0 against trivial predictors, and
// linear probes on the encoder's pooled features against pooled raw pixels.
func evidence(ctx context.Context, o options, w io.Writer) error {
	m, err := loadDenoiser(o.probe)
	if err != nil {
		return err
	}
	held := o.source("heldout", o.seed+1000)
	if err := denoisingError(ctx, m, held, o.probeVideos, w); err != nil {
		return err
	}
	return probes(ctx, m, o, w)
}

// denoisingError compares, at tau_0 = 0.1 (cosine), the denoiser's mean
// squared noise-prediction error with the zero predictor and with the
// context-copy predictor (exact outside the mask, where the masked video
// shows x_0; zero inside), over all pixels and inside the masks.
func denoisingError(ctx context.Context, m *diffusion.Denoiser, held *clipSource, n int, w io.Writer) error {
	var sum [3][2]float64 // [denoiser, zero, copy][all, inside]
	var count [2]float64
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := held.clip(rand.New(rand.NewPCG(11, uint64(i))), 100+i)
		if err != nil {
			return err
		}
		e := nn.NewEager()
		pred, eps, err := m.Predict(e, diffusion.TrainingExample{Clip: s.clip, Instruction: s.instruction,
			Schedule: diffusion.Cosine, Tau: 0.1, Segments: 2, Seed: uint64(100 + i)})
		if err != nil {
			return err
		}
		mask := m.Config.MaskTokens(e, s.clip)
		if err := e.Err(); err != nil {
			return err
		}
		p, y, in := e.Dense(pred).Float32s(), e.Dense(eps).Float32s(), e.Dense(mask).Float32s()
		for k := range p {
			d, z := float64(p[k]-y[k]), float64(y[k])
			var c float64 // copy predictor error: 0 outside, eps inside
			if in[k] == 1 {
				c = z
			}
			for j, inside := range []bool{false, true} {
				if inside && in[k] != 1 {
					continue
				}
				sum[0][j] += d * d
				sum[1][j] += z * z
				sum[2][j] += c * c
				count[j]++
			}
		}
	}
	fmt.Fprintf(w, "denoising error at tau_0 = 0.1 (cosine), %d held-out clips of %d frames, mean squared error of eps:\n", n, held.frames)
	fmt.Fprintf(w, "  %-22s %10s %12s\n", "predictor", "all pixels", "inside M_t")
	for i, name := range []string{"denoiser", "zero (trivial)", "context copy"} {
		fmt.Fprintf(w, "  %-22s %10.4f %12.4f\n", name, sum[i][0]/count[0], sum[i][1]/max(count[1], 1))
	}
	fmt.Fprintf(w, "  (%.1f%% of pixels inside the masks)\n", 100*count[1]/count[0])
	return nil
}

// probeSet holds per-frame features and labels.
type probeSet struct {
	z, raw [][]float64
	labels [][]float64 // [frame][colour..., shape..., touching]
}

// probes fits logistic-regression probes on the encoder's pooled features
// (what g_phi reads; z_t is a linear map of them) and on pooled raw pixels
// (an 8x8 area-averaged thumbnail plus the mean colour inside the mask),
// on frames of o.probeVideos training videos, and reports accuracy on
// o.probeVideos/2 others.
func probes(ctx context.Context, m *diffusion.Denoiser, o options, w io.Writer) error {
	opts := diffusion.DefaultOptions()
	opts.Segments = 2
	enc, err := diffusion.NewEncoder(rand.New(rand.NewPCG(1, 1)), m, 8, opts)
	if err != nil {
		return err
	}
	collect := func(split string, seed uint64, n int) (*probeSet, error) {
		src := o.source(split, seed)
		set := &probeSet{}
		for i := range n {
			r := rand.New(rand.NewPCG(seed, uint64(i)))
			s, err := src.clip(r, i)
			if err != nil {
				return nil, err
			}
			e := nn.NewEager()
			h, err := m.Trajectory(ctx, e, s.clip, s.instruction, enc.Options)
			if err != nil {
				return nil, err
			}
			pooled := e.Dense(m.Config.Pool(e, h, s.clip))
			if err := e.Err(); err != nil {
				return nil, err
			}
			d := pooled.Shape()[1]
			touch := touching(src, i, r, s)
			for t := range s.clip.T {
				set.z = append(set.z, f64(pooled.Float32s()[t*d:(t+1)*d]))
				set.raw = append(set.raw, rawPixels(s.clip, t))
				set.labels = append(set.labels, append(f64(s.present[t]), touch[t]))
			}
		}
		return set, nil
	}
	train, err := collect("probetrain", o.seed+4000, o.probeVideos)
	if err != nil {
		return err
	}
	test, err := collect("probetest", o.seed+5000, max(o.probeVideos/2, 1))
	if err != nil {
		return err
	}
	nl := len(train.labels[0])
	// [fact kind][pooled, raw, majority][accuracy, balanced accuracy]
	var acc [2][3][2]float64
	var used [2]float64
	for l := range nl {
		y := column(train.labels, l)
		yt := column(test.labels, l)
		k := 0
		if l == nl-1 {
			k = 1
		}
		if !mixed(y) || !mixed(yt) {
			continue // a label constant in a split says nothing
		}
		used[k]++
		for i, s := range [][2]float64{
			accuracy(fitLogistic(train.z, y), test.z, yt),
			accuracy(fitLogistic(train.raw, y), test.raw, yt),
			majority(y, yt),
		} {
			acc[k][i][0] += s[0]
			acc[k][i][1] += s[1]
		}
	}
	fmt.Fprintf(w, "linear probes, %d training frames (%d videos), %d test frames (%d videos); accuracy / balanced accuracy:\n", len(train.z), o.probeVideos, len(test.z), max(o.probeVideos/2, 1))
	fmt.Fprintf(w, "  %-36s %16s %16s %16s\n", "fact", "pooled h_tau0", "raw pixels", "majority")
	for k, name := range []string{fmt.Sprintf("colour/shape present (%.0f labels)", used[0]), "two entities touching"} {
		n := max(used[k], 1)
		fmt.Fprintf(w, "  %-36s", name)
		for i := range 3 {
			fmt.Fprintf(w, "  %6.4f / %6.4f", acc[k][i][0]/n, acc[k][i][1]/n)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// mixed reports whether y holds both classes.
func mixed(y []float64) bool {
	var pos float64
	for _, v := range y {
		pos += v
	}
	return pos > 0 && pos < float64(len(y))
}

// touching returns, per frame of the sample's clip, 1 when two entities
// touch. It regenerates the video's metadata and finds the clip's start
// from the same random draws as clip.
func touching(src *clipSource, index int, _ *rand.Rand, s *sample) []float64 {
	out := make([]float64, s.clip.T)
	v, err := synth.Generate(src.synth, src.seed, index)
	if err != nil {
		return out
	}
	for _, ev := range v.Meta.Events {
		if ev.Kind != synth.KindTouches {
			continue
		}
		for t := range s.clip.T {
			if f := s.start + t; f >= ev.StartFrame && f <= ev.EndFrame {
				out[t] = 1
			}
		}
	}
	return out
}

// rawPixels returns the raw-pixel baseline features of frame t: the frame
// area-averaged to 8x8 (192 values) and the mean colour inside the mask.
func rawPixels(c *diffusion.Clip, t int) []float64 {
	s := c.Frames.Shape()
	h, w := s[1], s[2]
	px, mk := c.Frames.Float32s(), c.Masks.Float32s()
	out := make([]float64, 8*8*3+3)
	var in float64
	for y := range h {
		for x := range w {
			i := (t*h+y)*w + x
			for k := range 3 {
				out[((y*8/h)*8+x*8/w)*3+k] += float64(px[i*3+k]) / float64(h*w/64)
				if mk[i] == 1 {
					out[192+k] += float64(px[i*3+k])
				}
			}
			in += float64(mk[i])
		}
	}
	for k := range 3 {
		out[192+k] /= math.Max(in, 1)
	}
	return out
}

func f64(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func column(rows [][]float64, j int) []float64 {
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[j]
	}
	return out
}

// logistic is a fitted probe: standardisation and weights.
type logistic struct{ mean, std, w []float64 }

// fitLogistic fits an L2-regularised logistic regression by full-batch
// gradient descent on standardised features.
func fitLogistic(x [][]float64, y []float64) *logistic {
	d := len(x[0])
	l := &logistic{mean: make([]float64, d), std: make([]float64, d), w: make([]float64, d+1)}
	for _, r := range x {
		for j, v := range r {
			l.mean[j] += v / float64(len(x))
		}
	}
	for _, r := range x {
		for j, v := range r {
			l.std[j] += (v - l.mean[j]) * (v - l.mean[j]) / float64(len(x))
		}
	}
	for j := range l.std {
		l.std[j] = math.Sqrt(l.std[j]) + 1e-6
	}
	g := make([]float64, d+1)
	for range 300 {
		clear(g)
		for i, r := range x {
			p := l.prob(r)
			for j, v := range r {
				g[j] += (p - y[i]) * (v - l.mean[j]) / l.std[j]
			}
			g[d] += p - y[i]
		}
		for j := range g {
			reg := 0.0
			if j < d {
				reg = 0.1 * l.w[j]
			}
			l.w[j] -= 0.5 * (g[j]/float64(len(x)) + reg)
		}
	}
	return l
}

func (l *logistic) prob(r []float64) float64 {
	z := l.w[len(r)]
	for j, v := range r {
		z += l.w[j] * (v - l.mean[j]) / l.std[j]
	}
	return 1 / (1 + math.Exp(-z))
}

// accuracy returns the accuracy and the balanced accuracy (the mean of the
// recalls of both classes) of l on (x, y).
func accuracy(l *logistic, x [][]float64, y []float64) [2]float64 {
	pred := make([]float64, len(x))
	for i, r := range x {
		if l.prob(r) > 0.5 {
			pred[i] = 1
		}
	}
	return scores(pred, y)
}

// scores returns the accuracy and balanced accuracy of predictions.
func scores(pred, y []float64) [2]float64 {
	var right, tp, pos, tn, neg float64
	for i, v := range y {
		if pred[i] == v {
			right++
		}
		if v == 1 {
			pos++
			tp += pred[i]
		} else {
			neg++
			tn += 1 - pred[i]
		}
	}
	return [2]float64{right / float64(len(y)), (tp/max(pos, 1) + tn/max(neg, 1)) / 2}
}

// majority scores always predicting the training majority.
func majority(y, yt []float64) [2]float64 {
	var pos float64
	for _, v := range y {
		pos += v
	}
	guess := 0.0
	if pos*2 > float64(len(y)) {
		guess = 1
	}
	pred := make([]float64, len(yt))
	for i := range pred {
		pred[i] = guess
	}
	return scores(pred, yt)
}
