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
