package segment_test

import (
	"context"
	"sync"
	"testing"

	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// The tagger model takes a while to load (seconds under -race): the tests
// share one parser.
var shared struct {
	once sync.Once
	p    *segment.ProseParser
	err  error
}

func testParser(t testing.TB) *segment.ProseParser {
	t.Helper()
	shared.once.Do(func() { shared.p, shared.err = segment.NewProseParser() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.p
}

func TestProseParserConforms(t *testing.T) {
	segmenttest.RunParser(t, testParser(t), nil)
}

func TestFlowTrackerConforms(t *testing.T) {
	segmenttest.RunTracker(t, &segment.FlowTracker{})
}

// TestPipelineConforms runs the default Segmenter (prose parser, fixed
// detector, flow tracker) through the suite and checks that the tracked
// masks follow the moving square.
func TestPipelineConforms(t *testing.T) {
	c := segmenttest.NewClip(24, 48, 64)
	opts := segment.DefaultOptions()
	opts.MinSpan = 4
	opts.ReseedIoU, opts.AreaDrift = 0, 0 // pure tracking after the seed
	p, err := segment.New(testParser(t), &segmenttest.FixedDetector{Masks: c.Masks}, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	segmenttest.RunSegmenter(t, p, c.Video, c.Query)

	r, err := p.Segment(context.Background(), c.Video, c.Query)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Tracks) != 2 || r.Start != 8 {
		t.Fatalf("got %d tracks from frame %d, want 2 from frame 8", len(r.Tracks), r.Start)
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
