package learneddet

import (
	"context"
	"testing"

	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/segmenttest"
)

// BenchmarkSegment segments a 96-frame 128x128 clip with two nouns, as
// segment's BenchmarkSegment does, but with this detector instead of the
// fake: parse, detect both phrases in every frame, gate and track with the
// optical-flow tracker.
func BenchmarkSegment(b *testing.B) {
	clip := segmenttest.NewClip(96, 128, 128)
	s, err := segment.New(nil, shipped(b), &segment.FlowTracker{}, segment.DefaultOptions())
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

// BenchmarkDetect detects two phrases in the 96 frames of a 128x128 clip.
func BenchmarkDetect(b *testing.B) {
	clip := segmenttest.NewClip(96, 128, 128)
	d := shipped(b)
	phrases := []segment.Phrase{{Text: "red square", Head: "square"}, {Text: "blue circle", Head: "circle"}}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.Detect(ctx, clip.Video.Frames, phrases); err != nil {
			b.Fatal(err)
		}
	}
}
