package segment_test

import (
	"context"
	"testing"

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
