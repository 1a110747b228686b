package defaultmodel_test

import (
	"context"
	"fmt"
	"log"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/grounding/defaultmodel"
)

// Load the default model, decode a clip of the synthetic benchmark (written,
// for instance, by go run ./examples/synth) and print the ranked spans of a
// query. The spans depend on the trained weights, so the example has no
// checked output; it prints lines like
//
//	rank 1: 3.25 s - 7.50 s (frames 12-27), score 0.412
func ExampleLoad() {
	ctx := context.Background()
	p, err := defaultmodel.Load(ctx, grounding.Options{TopK: 3})
	if err != nil {
		log.Fatal(err)
	}
	v, err := grounding.LoadVideoFile(ctx, "clip.mp4", grounding.VideoOptions{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := p.Ground(ctx, v, "when does the red circle touch the blue square?")
	if err != nil {
		log.Fatal(err)
	}
	for i, s := range res.Spans {
		fmt.Printf("rank %d: %.2f s - %.2f s (frames %d-%d), score %.3f\n", i+1, s.Start, s.End, s.StartFrame, s.EndFrame, s.Score)
	}
	for _, e := range res.Entities {
		fmt.Printf("%q first seen in frame %d\n", e.Phrase, e.Start)
	}
}
