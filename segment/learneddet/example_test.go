package learneddet_test

import (
	"context"
	"fmt"

	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/learneddet"
	"github.com/videodit/videodit/segment/segmenttest"
)

// Example grounds a phrase and an absent phrase in a synthetic clip with
// the shipped weights and compares the mask with the truth. (The clip's
// light backdrop is unlike the benchmark the weights were trained on:
// masks transfer, presence scores are low there.)
func Example() {
	ctx := context.Background()
	det, err := learneddet.Load(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	clip := segmenttest.NewClip(4, 128, 128) // a red square passing a blue circle
	phrases := []segment.Phrase{
		{Text: "red square", Head: "square"},
		{Text: "green star", Head: "star"}, // not in the clip
	}
	props, err := det.Detect(ctx, clip.Video.Frames, phrases) // props[phrase][frame]
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, p := range phrases {
		best, ok := segment.Best(props[i][3])
		if !ok {
			fmt.Printf("%s: no proposal in frame 3\n", p.Text)
			continue
		}
		iou, _ := best.Mask.IoU(clip.Masks[p.Text][3])
		fmt.Printf("%s: mask IoU with the truth %.1f\n", p.Text, iou)
	}
	// Output:
	// red square: mask IoU with the truth 0.9
	// green star: no proposal in frame 3
}
