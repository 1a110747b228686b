package learneddet

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"gorgonia.org/tensor"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// shipped loads the embedded detector once per test.
func shipped(t testing.TB) *Detector {
	t.Helper()
	d, err := Load(context.Background())
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func TestDetectorConformance(t *testing.T) {
	clip := segmenttest.NewClip(3, 40, 48)
	phrases := []segment.Phrase{{Text: "red square", Head: "square"}, {Text: "blue circle", Head: "circle"}, {Text: "person", Head: "person"}}
	segmenttest.RunDetector(t, shipped(t), clip.Video.Frames, phrases)
}

func TestDetectBadInput(t *testing.T) {
	ctx := context.Background()
	d := shipped(t)
	clip := segmenttest.NewClip(2, 16, 16)
	ok := []segment.Phrase{{Text: "red square", Head: "square"}}
	nan := clip.Video.Frames.Clone().(*tensor.Dense)
	nan.Float32s()[100] = float32(math.NaN())
	inf := clip.Video.Frames.Clone().(*tensor.Dense)
	inf.Float32s()[7] = float32(math.Inf(1))
	for _, tc := range []struct {
		name    string
		frames  *tensor.Dense
		phrases []segment.Phrase
		want    error
	}{
		{"NaN pixel", nan, ok, ErrBadFrames},
		{"infinite pixel", inf, ok, ErrBadFrames},
		{"zero frames", tensor.New(tensor.WithShape(0, 16, 16, 3), tensor.Of(tensor.Float32)), ok, ErrBadFrames},
		{"two channels", tensor.New(tensor.WithShape(1, 16, 16, 2), tensor.Of(tensor.Float32)), ok, ErrBadFrames},
		{"empty phrase", clip.Video.Frames, []segment.Phrase{{Text: ""}}, ErrEmptyPhrase},
		{"article only", clip.Video.Frames, []segment.Phrase{ok[0], {Text: "the"}}, ErrEmptyPhrase},
	} {
		if _, err := d.Detect(ctx, tc.frames, tc.phrases); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestDetectConcurrent runs two Detect calls at once (for -race) and
// requires the same results as a lone call.
func TestDetectConcurrent(t *testing.T) {
	ctx := context.Background()
	d := shipped(t)
	clip := segmenttest.NewClip(2, 32, 32)
	phrases := []segment.Phrase{{Text: "red square", Head: "square"}}
	want, err := d.Detect(ctx, clip.Video.Frames, phrases)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([][][][]segment.Proposal, 2)
	errs := make([]error, 2)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = d.Detect(ctx, clip.Video.Frames, phrases)
		}()
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if diff := cmp.Diff(want, got[i], cmp.Comparer(func(a, b segment.Mask) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("concurrent call %d (-alone +concurrent):\n%s", i, diff)
		}
	}
}

// TestShippedQuality grounds every visible entity of a few frames of a
// held-out benchmark video (a seed never used in training) with its
// shortest unambiguous phrase ("blue square", "large red star") and checks
// the mean mask IoU and that the right phrase outscores distractors that
// share its colour or its shape. The floors sit below the values measured
// with examples/train-detector -eval (see doc.go) to leave a margin for
// the small sample.
func TestShippedQuality(t *testing.T) {
	// Measured 0.465 and 0.381 over these 21 phrases (chance is about
	// 0.2). The previous weights scored 0.714 here but 0.300 over the 1003
	// phrases of the held-out evaluation, these 0.351: a few entities of
	// one video make a noisy sample, so the floor only rules out chance.
	const (
		iouFloor       = 0.35
		retrievalFloor = 0.3
	)
	ctx := context.Background()
	d := shipped(t)
	v, err := synth.Generate(synth.Config{Split: "heldout", MinDuration: 3, MaxDuration: 4, MinEntities: 3, MaxEntities: 5}, 777, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := v.Meta
	rng := rand.New(rand.NewPCG(1, 2))
	var iouSum float64
	n, retrieved, trials := 0, 0, 0
	rgb := make([]byte, m.Width*m.Height*3)
	for f := 0; f < m.Frames; f += 4 {
		if err := v.RGB(f, rgb); err != nil {
			t.Fatal(err)
		}
		px := make([]float32, len(rgb))
		for i, b := range rgb {
			px[i] = float32(b) / 255
		}
		frames := tensor.New(tensor.WithShape(1, m.Height, m.Width, 3), tensor.WithBacking(px))
		for e, ent := range m.Entities {
			if f >= recolourStart(m, e) {
				continue // the description names the first colour only
			}
			bits, err := m.Tracks[e].Mask(f, m.Width, m.Height)
			if err != nil {
				t.Fatal(err)
			}
			truth := segment.NewMask(m.Width, m.Height)
			for i, b := range bits {
				truth.Set(i%m.Width, i/m.Width, b)
			}
			if truth.Area() < 10 {
				continue
			}
			phrase := strings.TrimPrefix(ent.Description, "the ")
			cands := []segment.Phrase{{Text: phrase, Head: ent.Shape}}
			colours, shapes := synth.Colours(), synth.Shapes()
			for len(cands) < 5 {
				c, s := ent.Colour, ent.Shape
				if len(cands)%2 == 1 {
					c = colours[rng.IntN(len(colours))]
				} else {
					s = shapes[rng.IntN(len(shapes))]
				}
				if !names(m, c, s) {
					cands = append(cands, segment.Phrase{Text: c + " " + s, Head: s})
				}
			}
			props, err := d.Detect(ctx, frames, cands)
			if err != nil {
				t.Fatal(err)
			}
			pred := segment.NewMask(m.Width, m.Height)
			best, ok := segment.Best(props[0][0])
			if ok {
				pred = best.Mask
			}
			iou, err := pred.IoU(truth)
			if err != nil {
				t.Fatal(err)
			}
			iouSum += iou
			n++
			trials++
			win := ok
			for _, pp := range props[1:] {
				if b, ok2 := segment.Best(pp[0]); ok2 && ok && b.Score >= best.Score {
					win = false
				}
			}
			if win {
				retrieved++
			}
		}
	}
	if n == 0 {
		t.Fatal("no visible entity in the sampled frames")
	}
	mean, acc := iouSum/float64(n), float64(retrieved)/float64(trials)
	t.Logf("%d phrases: mean mask IoU %.3f, retrieval accuracy %.3f", n, mean, acc)
	if mean < iouFloor || acc < retrievalFloor {
		t.Errorf("mean IoU %.3f, retrieval accuracy %.3f over %d phrases; want >= %v and >= %v", mean, acc, n, iouFloor, retrievalFloor)
	}
}

// recolourStart is the first frame of entity e's first colour change, or
// the number of frames when it keeps its colour.
func recolourStart(m *synth.Meta, e int) int {
	start := m.Frames
	for _, ev := range m.Events {
		if ev.Kind == synth.KindColourChange && len(ev.Entities) > 0 && ev.Entities[0] == e {
			start = min(start, ev.StartFrame)
		}
	}
	return start
}

// names reports whether an entity of the video has colour c and shape s
// (at its start).
func names(m *synth.Meta, c, s string) bool {
	for _, e := range m.Entities {
		if e.Colour == c && e.Shape == s {
			return true
		}
	}
	return false
}
