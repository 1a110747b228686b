package segment_test

import (
	"context"
	"fmt"

	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// Example grounds a query in a synthetic clip: the prose parser finds the
// two phrases, a detector (here a fake that knows the true masks) grounds
// them, the AND gate opens when both are visible, and the optical-flow
// tracker follows them from there.
func Example() {
	clip := segmenttest.NewClip(30, 48, 64) // 3 s at 10 frames per second
	opts := segment.DefaultOptions()
	opts.MinSpan = 5
	s, err := segment.New(nil, &segmenttest.FixedDetector{Masks: clip.Masks}, &segment.FlowTracker{}, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.Segment(context.Background(), clip.Video, clip.Query)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("query %q\n", clip.Query)
	for _, tr := range res.Tracks {
		last := len(tr.Masks) - 1
		iou, _ := tr.Masks[last].IoU(clip.Masks[tr.Phrase.Text][last])
		fmt.Printf("%-11s tracked from frame %d, last-frame IoU >= 0.8: %v\n", tr.Phrase.Text, tr.Start, iou >= 0.8)
	}
	fmt.Printf("gate opens at frame %d; span %.1fs-%.1fs\n", res.Start, res.Span.StartSec, res.Span.EndSec)
	// Output:
	// query "the red square moves past the blue circle"
	// red square  tracked from frame 10, last-frame IoU >= 0.8: true
	// blue circle tracked from frame 10, last-frame IoU >= 0.8: true
	// gate opens at frame 10; span 1.0s-2.9s
}
