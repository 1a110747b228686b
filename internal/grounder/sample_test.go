package grounder

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/fusion/fusiontest"
	"github.com/videodit/videodit/segment"
)

func TestFrameTargets(t *testing.T) {
	times := []float64{0, 0.5, 1, 1.5, 2, 2.5} // frame t shows [t/2, t/2+0.5)
	tests := []struct {
		name         string
		start, end   float64
		wantS, wantE int
	}{
		{"inside one frame", 1.1, 1.4, 2, 2},
		{"one whole frame", 1, 1.5, 2, 2},
		{"across frames", 0.7, 2.2, 1, 4},
		{"frame boundaries", 0.5, 2, 1, 3},
		{"whole clip", 0, 3, 0, 5},
		{"before the first frame", -1, -0.5, 0, 0},
		{"starting before the first frame", -1, 0.7, 0, 1},
		{"past the end", 4, 5, 5, 5},
		{"ending past the end", 2.2, 9, 4, 5},
		{"empty span at a frame time", 1, 1, 2, 2},
	}
	for _, tc := range tests {
		s, e := FrameTargets(times, tc.start, tc.end)
		if s != tc.wantS || e != tc.wantE {
			t.Errorf("%s: FrameTargets([%v, %v)) = %d, %d; want %d, %d", tc.name, tc.start, tc.end, s, e, tc.wantS, tc.wantE)
		}
		if s > e || s < 0 || e >= len(times) {
			t.Errorf("%s: frames %d, %d out of order or range", tc.name, s, e)
		}
	}
}

// pixelConfig is a denoiser configuration for Pixels: only its frame size
// and patch matter.
func pixelConfig(h, w, patch int) diffusion.Config {
	return diffusion.Config{Height: h, Width: w, Patch: patch, Tubelet: 2, Dim: 16, Heads: 2, Hidden: 24,
		Blocks: 2, Window: 1, TimeDim: 8, TextDim: 4, Vocab: []string{"red"}}
}

// uniformClip returns T frames of h x w of one colour, and masks holding
// the box b in every frame but the first (empty).
func uniformClip(T, h, w int, colour [3]float32, b segment.Box) (*tensor.Dense, []segment.Mask) {
	data := make([]float32, T*h*w*3)
	for i := range data {
		data[i] = colour[i%3]
	}
	masks := make([]segment.Mask, T)
	for i := range masks {
		if i == 0 {
			masks[i] = segment.NewMask(w, h)
		} else {
			masks[i] = segment.MaskFromBox(w, h, b)
		}
	}
	return tensor.New(tensor.WithShape(T, h, w, 3), tensor.WithBacking(data)), masks
}

func TestPixelsUniform(t *testing.T) {
	colour := [3]float32{0.25, 0.5, 0.75}
	tests := []struct {
		name          string
		h, w          int // source frames
		ch, cw, patch int // denoiser frame size
	}{
		{"same size", 16, 16, 16, 16, 8},
		{"downscaled", 48, 32, 16, 16, 8},
		{"wide", 16, 32, 16, 32, 8},
		// Frame sizes that are no multiple of PixelGrid (the config
		// allows any multiple of the patch): cells of unequal sizes.
		{"12x12", 12, 12, 12, 12, 4},
		{"4x4", 4, 4, 4, 4, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const T = 3
			frames, masks := uniformClip(T, tc.h, tc.w, colour, segment.Box{X0: 0, Y0: 0, X1: tc.w / 2, Y1: tc.h / 2})
			c := pixelConfig(tc.ch, tc.cw, tc.patch)
			px, err := Pixels(c, frames, masks)
			if err != nil {
				t.Fatal(err)
			}
			if len(px) != T*PixelDim {
				t.Fatalf("%d values, want %d x %d", len(px), T, PixelDim)
			}
			clip, err := c.Prepare(frames, masks)
			if err != nil {
				t.Fatal(err)
			}
			geo := diffusion.Geometry(clip)
			for f := range T {
				row := px[f*PixelDim : (f+1)*PixelDim]
				// Every grid cell's mean is the colour.
				var worst float64
				for j := range PixelGrid * PixelGrid * 3 {
					worst = max(worst, math.Abs(float64(row[j]-colour[j%3])))
				}
				if worst > 1e-6 {
					t.Errorf("BUG: frame %d: a grid mean differs from the uniform colour %v by %.3g (cells %v...)", f, colour, worst, row[:6])
				}
				// Inside the mask: the colour (0 for the empty mask), then
				// the geometry.
				want := make([]float32, 3, 3+diffusion.GeometryDim)
				if f > 0 {
					copy(want, colour[:])
				}
				want = append(want, geo[f*diffusion.GeometryDim:(f+1)*diffusion.GeometryDim]...)
				if diff := cmp.Diff(want, row[PixelGrid*PixelGrid*3:], cmpopts.EquateApprox(0, 1e-6)); diff != "" {
					t.Errorf("frame %d: mask columns (-want +got):\n%s", f, diff)
				}
			}
		})
	}
}

func TestPixelsGrid(t *testing.T) {
	// Left half red, right half blue, top row of the grid green: each cell
	// holds its own colour, in row-major cell order.
	const h, w = 16, 16
	data := make([]float32, h*w*3)
	for y := range h {
		for x := range w {
			i := (y*w + x) * 3
			switch {
			case y < 2:
				data[i+1] = 1
			case x < w/2:
				data[i] = 1
			default:
				data[i+2] = 1
			}
		}
	}
	frames := tensor.New(tensor.WithShape(1, h, w, 3), tensor.WithBacking(data))
	px, err := Pixels(pixelConfig(h, w, 8), frames, nil)
	if err != nil {
		t.Fatal(err)
	}
	for cy := range PixelGrid {
		for cx := range PixelGrid {
			want := []float32{1, 0, 0}
			switch {
			case cy == 0:
				want = []float32{0, 1, 0}
			case cx >= PixelGrid/2:
				want = []float32{0, 0, 1}
			}
			cell := (cy*PixelGrid + cx) * 3
			if diff := cmp.Diff(want, px[cell:cell+3]); diff != "" {
				t.Errorf("cell (%d, %d) (-want +got):\n%s", cx, cy, diff)
			}
		}
	}
	// No masks: inside-mask mean and geometry are zero.
	if diff := cmp.Diff(make([]float32, 3+diffusion.GeometryDim), px[PixelGrid*PixelGrid*3:]); diff != "" {
		t.Errorf("mask columns without masks (-want +got):\n%s", diff)
	}
}

func TestPixelsErrors(t *testing.T) {
	frames, masks := uniformClip(2, 8, 8, [3]float32{1, 1, 1}, segment.Box{X1: 4, Y1: 4})
	c := pixelConfig(16, 16, 8)
	if _, err := Pixels(c, frames, masks[:1]); err == nil {
		t.Errorf("Pixels with 1 mask for 2 frames: no error")
	}
	bad := pixelConfig(16, 16, 8)
	bad.Patch = 5
	if _, err := Pixels(bad, frames, masks); err == nil {
		t.Errorf("Pixels with an invalid config: no error")
	}
}

func TestPresence(t *testing.T) {
	full := segment.MaskFromBox(4, 4, segment.Box{X1: 2, Y1: 2})
	empty := segment.NewMask(4, 4)
	tracks := []segment.Track{
		{Masks: []segment.Mask{empty, full, full}},
		{Masks: []segment.Mask{full, empty, {}}},
		{Masks: []segment.Mask{full}}, // shorter than T
	}
	got := Presence(tracks, 3)
	want := []float32{0, 1, 1, 1, 0, 0, 1, 0, 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Presence (-want +got):\n%s", diff)
	}
}

func TestUnionMasks(t *testing.T) {
	box := segment.MaskFromBox(6, 4, segment.Box{X1: 2, Y1: 2})
	seg := &segment.Result{Union: []segment.Mask{{}, box}} // zero mask before the start; shorter than T
	got := UnionMasks(seg, 3, 6, 4)
	for i, m := range got {
		if m.Width() != 6 || m.Height() != 4 {
			t.Errorf("mask %d is %dx%d, want 6x4", i, m.Width(), m.Height())
		}
	}
	if got[0].Area() != 0 || !got[1].Equal(box) || got[2].Area() != 0 {
		t.Errorf("areas %d %d %d, want 0 %d 0", got[0].Area(), got[1].Area(), got[2].Area(), box.Area())
	}
}

func TestSampleInput(t *testing.T) {
	tok := tinyTokenizer(t)
	s := synthSample(t, tok, 1, "what colour is the ball ?", 1, 2, true, 0)
	s.Pixels = make([]float32, tinyT*PixelDim)
	s.Pixels[PixelDim] = 7
	for _, features := range []string{DiffusionFeatures, PixelFeatures} {
		c := tinyConfig()
		c.Features = features
		in := s.Input(c)
		got := map[string][]int{
			"pooled": in.Pooled.Shape(), "presence": in.Presence.Shape(), "choices": in.Choices.Shape(),
		}
		width := tinyPooled
		if features == PixelFeatures {
			width = PixelDim
		}
		want := map[string][]int{"pooled": {tinyT, width}, "presence": {2, tinyT}, "choices": {3, tinyText}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: shapes (-want +got):\n%s", features, diff)
		}
		if v, _ := in.Pooled.At(1, 0); features == PixelFeatures && v != float32(7) {
			t.Errorf("pixel features (1, 0) = %v, want 7", v)
		}
	}
	g := synthSample(t, tok, 1, "the ball", 1, 2, false, -1)
	g.Nouns, g.Presence = 0, nil
	if in := g.Input(tinyConfig()); in.Presence != nil || in.Choices != nil {
		t.Errorf("a query without tracks or choices: presence %v, choices %v; want nil", in.Presence, in.Choices)
	}
	if diff := cmp.Diff([]int{tinyT, tinyAux}, []int(s.AuxTensor().Shape())); diff != "" {
		t.Errorf("AuxTensor shape (-want +got):\n%s", diff)
	}
}

// TestPixelInputKeepsEntities checks that the pixel variant reads each
// frame's pixel features followed by the entity features that close the
// frame's row of Pooled.
func TestPixelInputKeepsEntities(t *testing.T) {
	tok := tinyTokenizer(t)
	s := synthSample(t, tok, 1, "the ball", 1, 2, false, -1)
	const E = 2
	s.EntityDim = E
	s.Pixels = make([]float32, tinyT*PixelDim)
	var want []float32
	for f := range tinyT {
		s.Pixels[f*PixelDim] = float32(100 + f)
		row := make([]float32, PixelDim+E)
		row[0] = float32(100 + f)
		copy(row[PixelDim:], s.Pooled[(f+1)*tinyPooled-E:(f+1)*tinyPooled])
		want = append(want, row...)
	}
	c := tinyConfig()
	c.Features, c.PooledDim = PixelFeatures, PixelDim+E
	if err := s.Validate(c); err != nil {
		t.Fatal(err)
	}
	in := s.Input(c)
	if diff := cmp.Diff([]int{tinyT, PixelDim + E}, []int(in.Pooled.Shape())); diff != "" {
		t.Fatalf("shape (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, in.Pooled.Float32s()); diff != "" {
		t.Errorf("pixel input (-want +got):\n%s", diff)
	}
	s.EntityDim = tinyPooled + 1
	if err := s.Validate(c); err == nil {
		t.Error("Validate accepts more entity features than pooled ones")
	}
}

// fakeSegmenter finds one track: a box in the frames from start on.
type fakeSegmenter struct {
	start int
	err   error
}

func (f fakeSegmenter) Segment(ctx context.Context, v segment.Video, query string) (*segment.Result, error) {
	if f.err != nil {
		return nil, f.err
	}
	s := v.Frames.Shape()
	T, h, w := s[0], s[1], s[2]
	r := &segment.Result{Start: f.start, Union: make([]segment.Mask, T)}
	tr := segment.Track{Start: f.start, Masks: make([]segment.Mask, T)}
	for t := range T {
		if t >= f.start {
			tr.Masks[t] = segment.MaskFromBox(w, h, segment.Box{X0: t, Y0: 1, X1: t + w/2, Y1: h / 2})
			r.Union[t] = tr.Masks[t]
		}
	}
	r.Tracks = []segment.Track{tr}
	return r, nil
}

// fakeAux returns (T, 3) features: the mean of each colour channel.
type fakeAux struct{}

func (fakeAux) AuxDim() int { return 3 }

func (fakeAux) AuxFeatures(ctx context.Context, frames *tensor.Dense) (*tensor.Dense, error) {
	s := frames.Shape()
	d := frames.Float32s()
	out := make([]float32, s[0]*3)
	n := s[1] * s[2]
	for i := range s[0] * n {
		for k := range 3 {
			out[(i/n)*3+k] += d[i*3+k] / float32(n)
		}
	}
	return tensor.New(tensor.WithShape(s[0], 3), tensor.WithBacking(out)), nil
}

// tinyFrozen returns frozen stages of test size: the fake segmenter, a
// random tiny denoiser with geometry in its pooled features, hashed text
// embeddings, fakeAux and the tiny tokenizer.
func tinyFrozen(t *testing.T, seg segment.Segmenter) *Frozen {
	t.Helper()
	d, err := diffusion.NewDenoiser(rand.New(rand.NewPCG(1, 1)), pixelConfig(16, 16, 8))
	if err != nil {
		t.Fatal(err)
	}
	o := diffusion.DefaultOptions()
	o.Steps, o.Segments, o.Geometry = 1, 1, true
	enc, err := diffusion.NewEncoder(rand.New(rand.NewPCG(1, 2)), d, 8, o)
	if err != nil {
		t.Fatal(err)
	}
	return &Frozen{Segmenter: seg, Encoder: enc, Text: fusiontest.HashText{D: tinyText}, Aux: fakeAux{}, Tok: tinyTokenizer(t), Name: "tiny"}
}

func TestExtract(t *testing.T) {
	f := tinyFrozen(t, fakeSegmenter{start: 1})
	const T, h, w = 4, 20, 24
	rng := rand.New(rand.NewPCG(3, 3))
	data := make([]float32, T*h*w*3)
	for i := range data {
		data[i] = float32(rng.Float64())
	}
	frames := tensor.New(tensor.WithShape(T, h, w, 3), tensor.WithBacking(data))
	times := []float64{0, 0.5, 1, 1.5}
	ctx := context.Background()
	s, err := f.Extract(ctx, frames, times, 2, "what colour is the ball ?", []string{"red", "blue"})
	if err != nil {
		t.Fatal(err)
	}
	seg, _ := fakeSegmenter{start: 1}.Segment(ctx, segment.Video{Frames: frames}, "")
	union := UnionMasks(seg, T, w, h)
	pooled, err := f.Encoder.Pooled(ctx, frames, union, "what colour is the ball ?")
	if err != nil {
		t.Fatal(err)
	}
	pix, err := Pixels(f.Encoder.Denoiser.Config, frames, union)
	if err != nil {
		t.Fatal(err)
	}
	aux, _ := fakeAux{}.AuxFeatures(ctx, frames)
	text, _ := f.Text.Encode(ctx, "what colour is the ball ?")
	red, _ := f.Text.Encode(ctx, "red")
	blue, _ := f.Text.Encode(ctx, "blue")
	ids, _ := f.Tok.Encode("what colour is the ball ?")
	want := &Sample{
		Query: "what colour is the ball ?", Kind: "ground", Times: times, Duration: 2,
		Pooled: pooled.Float32s(), PooledDim: f.Encoder.PooledDim(), Pixels: pix,
		Aux: aux.Float32s(), AuxDim: 3, Text: text, Tokens: ids,
		Presence: []float32{0, 1, 1, 1}, Nouns: 1,
		ChoiceText: []string{"red", "blue"}, Choices: append(append([]float32(nil), red...), blue...), Answer: -1,
	}
	if diff := cmp.Diff(want, s, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Extract (-want +got):\n%s", diff)
	}
	// The pooled features end with the union mask's geometry: present from
	// frame 1 on.
	for fr := range T {
		if got := s.Pooled[fr*s.PooledDim+s.PooledDim-diffusion.GeometryDim]; got != float32(min(fr, 1)) {
			t.Errorf("frame %d: geometry presence %v, want %d", fr, got, min(fr, 1))
		}
	}
}

func TestExtractErrors(t *testing.T) {
	ctx := context.Background()
	frames := tensor.New(tensor.WithShape(2, 8, 8, 3), tensor.Of(tensor.Float32))
	segErr := errors.New("no phrase")
	tests := []struct {
		name   string
		seg    segment.Segmenter
		frames *tensor.Dense
		times  []float64
		want   []string
	}{
		{"times", fakeSegmenter{}, frames, []float64{0}, []string{"frames of shape", "1 times"}},
		{"rank", fakeSegmenter{}, tensor.New(tensor.WithShape(2, 8, 8), tensor.Of(tensor.Float32)), []float64{0, 1}, []string{"frames of shape"}},
		{"segmenter", fakeSegmenter{err: segErr}, frames, []float64{0, 1}, []string{"segment", "no phrase"}},
	}
	for _, tc := range tests {
		_, err := tinyFrozen(t, tc.seg).Extract(ctx, tc.frames, tc.times, 1, "the red ball", nil)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, p := range append(tc.want, `"the red ball"`) {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, p)
			}
		}
	}
}

// TestPredictInconsistentSample: a Sample whose arrays disagree with its
// sizes (a stale or hand-made cache entry) is an error of Predict (and
// Train), not a panic, and features a sample lacks are not read as zeros.
func TestPredictInconsistentSample(t *testing.T) {
	tests := []struct {
		name     string
		features string
		edit     func(s *Sample)
	}{
		{"pooled shorter than T x PooledDim", DiffusionFeatures, func(s *Sample) { s.Pooled = s.Pooled[:len(s.Pooled)-1] }},
		{"presence shorter than Nouns x T", DiffusionFeatures, func(s *Sample) { s.Presence = s.Presence[:3] }},
		{"choices shorter than C x d_t", DiffusionFeatures, func(s *Sample) { s.Choices = s.Choices[:5] }},
		{"no pixel features", PixelFeatures, func(s *Sample) { s.Pixels = nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tinyBase(t, 1)
			c := tinyConfig()
			c.Features = tc.features
			if tc.features == PixelFeatures {
				c.PooledDim = PixelDim
			}
			m, _ := tinyModel(t, c, b, 1)
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("BUG: Predict panics: %v", r)
				}
			}()
			s := synthSample(t, b.Tok, 1, "what colour is the ball ?", 1, 2, true, 0)
			tc.edit(s)
			if p, err := Predict(m, b, s, 1, 0); err == nil {
				t.Errorf("BUG: Predict = %+v, nil error", p)
			}
		})
	}
}
