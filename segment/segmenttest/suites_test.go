package segmenttest

import (
	"context"
	"testing"

	"github.com/videodit/videodit/segment"
)

func clipPhrases() []segment.Phrase {
	return []segment.Phrase{{Text: "red square", Head: "square"}, {Text: "blue circle", Head: "circle"}}
}

func TestFixedParserConforms(t *testing.T) {
	p := &FixedParser{ByQuery: map[string][]segment.Phrase{"the red square moves past the blue circle": clipPhrases()}}
	RunParser(t, p, []string{"the red square moves past the blue circle", "nothing known"})
}

func TestFixedDetectorConforms(t *testing.T) {
	c := NewClip(8, 24, 32)
	ph := append(clipPhrases(), segment.Phrase{Text: "green cat", Head: "cat"})
	RunDetector(t, &FixedDetector{Masks: c.Masks}, c.Video.Frames, ph)
}

func TestIdentityTrackerConforms(t *testing.T) {
	RunTracker(t, IdentityTracker{})
}

// TestScriptedConforms scripts the result of the default Segmenter run on
// the fakes, so both are checked.
func TestScriptedConforms(t *testing.T) {
	c := NewClip(12, 24, 32)
	opts := segment.DefaultOptions()
	opts.MinSpan = 2
	pipe, err := segment.New(&FixedParser{ByQuery: map[string][]segment.Phrase{c.Query: clipPhrases()}},
		&FixedDetector{Masks: c.Masks}, IdentityTracker{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	RunSegmenter(t, pipe, c.Video, c.Query)
	r, err := pipe.Segment(context.Background(), c.Video, c.Query)
	if err != nil {
		t.Fatal(err)
	}
	// The disk appears at frame T/3 = 4: with K = 3 the gate opens there.
	if r.Start != 4 || r.Span == nil || r.Span.Start != 4 || r.Span.End != 11 {
		t.Errorf("Start %d, Span %+v; want 4 and [4,11]", r.Start, r.Span)
	}
	RunSegmenter(t, &Scripted{ByQuery: map[string]*segment.Result{c.Query: r}}, c.Video, c.Query)
}
