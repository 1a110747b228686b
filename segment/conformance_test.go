package segment_test

import (
	"context"
	"image/png"
	"os"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/cascade"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

func TestProseParserConforms(t *testing.T) {
	p, err := segment.NewProseParser()
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.RunParser(t, p, nil)
}

func TestFlowTrackerConforms(t *testing.T) {
	segmenttest.RunTracker(t, &segment.FlowTracker{})
}

// TestPipelineConforms runs the default Segmenter (prose parser, fixed
// detector, flow tracker) through the suite and checks that the tracked
// masks follow the moving square.
func TestPipelineConforms(t *testing.T) {
	c := segmenttest.NewClip(16, 48, 64)
	opts := segment.DefaultOptions()
	opts.MinSpan = 4
	opts.ReseedIoU, opts.AreaDrift = 0, 0 // pure tracking after the seed
	p, err := segment.New(nil, &segmenttest.FixedDetector{Masks: c.Masks}, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.RunSegmenter(t, p, c.Video, c.Query)

	r, err := p.Segment(context.Background(), c.Video, c.Query)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tracks) != 2 || r.Start != 5 {
		t.Fatalf("got %d tracks from frame %d, want 2 from frame 5", len(r.Tracks), r.Start)
	}
	for _, tr := range r.Tracks {
		truth := c.Masks[tr.Phrase.Text]
		for f := r.Start; f < len(truth); f++ {
			iou, err := tr.Masks[f].IoU(truth[f])
			if err != nil || iou < 0.8 {
				t.Errorf("%s at frame %d: IoU %.3f (err %v), want >= 0.8", tr.Phrase.Text, f, iou, err)
			}
		}
	}
}

// TestCascadeDetectorConforms runs the Detector suite on the cascade
// detector over two copies of a frame of OpenCV's pedestrian clip, with a
// noun it knows and one it does not.
func TestCascadeDetectorConforms(t *testing.T) {
	d, err := segment.NewCascadeDetector("", cascade.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../internal/cascade/testdata/vtest_f100.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	data := make([]float32, 2*h*w*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			for t := 0; t < 2; t++ {
				o := ((t*h+y)*w + x) * 3
				data[o], data[o+1], data[o+2] = float32(r)/65535, float32(g)/65535, float32(bl)/65535
			}
		}
	}
	frames := tensor.New(tensor.WithShape(2, h, w, 3), tensor.WithBacking(data))
	segmenttest.RunDetector(t, d, frames, []segment.Phrase{{Text: "person", Head: "person"}, {Text: "red ball", Head: "ball"}})
}
