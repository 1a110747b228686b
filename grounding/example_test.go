package grounding_test

import (
	"context"
	"fmt"
	"image"
	_ "image/png"
	"os"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/internal/cascade"
	"github.com/videodit/videodit/segment"
)

// Example runs the entity stage on pedestrians: a frame of OpenCV's
// vtest.avi shown for 4 frames, the query's noun "person" detected with
// OpenCV's full-body cascade, gated and tracked.
func Example() {
	f, err := os.Open("../internal/cascade/testdata/vtest_f100.png")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := grounding.FromImages([]image.Image{img, img, img, img}, []float64{0, 0.5, 1, 1.5}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	det, err := segment.NewCascadeDetector("", cascade.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	opts := segment.DefaultOptions()
	opts.MinSpan = 2
	seg, err := segment.New(nil, det, nil, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := seg.Segment(context.Background(), segment.Video{Frames: v.Frames, Times: v.Times}, "when does a person walk past the camera?")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, tr := range res.Tracks {
		fmt.Printf("%q tracked from frame %d\n", tr.Phrase.Text, tr.Start)
	}
	for _, d := range res.Dropped {
		fmt.Printf("%q never detected\n", d.Text)
	}
	fmt.Printf("span %.1fs-%.1fs\n", res.Span.StartSec, res.Span.EndSec)
	// Output:
	// "person" tracked from frame 0
	// "camera" never detected
	// span 0.0s-1.5s
}

// ExamplePipeline_Answer answers a multiple-choice question with the fake
// stages of ExamplePipeline_Ground and a fake answer head whose logits, 0
// and 2, favour the second choice. The evidence is the top span of the
// question's grounding.
func ExamplePipeline_Answer() {
	st := taskStages(fixedSpans{peaked(2), peaked(4)}, identityLM{d: dLLM}, &fixedHead{logits: []float64{0, 2}})
	p, err := grounding.New(st, grounding.Options{TopK: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	ans, err := p.Answer(context.Background(), testVideo(), "what colour is the square?", []string{"blue", "red"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s (p=%.3f), evidence [%.1f s, %.1f s)\n", ans.Text, ans.Probs[ans.Choice], ans.Spans[0].Start, ans.Spans[0].End)
	// Output:
	// red (p=0.881), evidence [1.0 s, 2.5 s)
}
