package segment_test

import (
	"context"
	"testing"

	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// BenchmarkSegment segments a 96-frame 128x128 clip with two nouns: parse,
// detect (a fake detector that knows the masks) and track with the
// optical-flow tracker from the gated start (frame 32) to the end.
func BenchmarkSegment(b *testing.B) {
	clip := segmenttest.NewClip(96, 128, 128)
	s, err := segment.New(nil, &segmenttest.FixedDetector{Masks: clip.Masks}, &segment.FlowTracker{}, segment.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Segment(ctx, clip.Video, clip.Query); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlowTracker tracks two masks from frame 32 to the end of a
// 96-frame 128x128 clip (the tracking part of BenchmarkSegment).
func BenchmarkFlowTracker(b *testing.B) {
	clip := segmenttest.NewClip(96, 128, 128)
	seeds := []segment.Mask{clip.Masks["red square"][32], clip.Masks["blue circle"][32]}
	tr := &segment.FlowTracker{}
	ctx := context.Background()
	for b.Loop() {
		if _, err := tr.Track(ctx, clip.Video.Frames, 32, seeds, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses one query with the shared tagger model.
func BenchmarkParse(b *testing.B) {
	p, err := segment.NewProseParser()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := p.Parse("the man in the red shirt throws the ball"); err != nil {
			b.Fatal(err)
		}
	}
}
