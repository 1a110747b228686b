package learneddet_test

import (
	"context"
	"fmt"

	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/learneddet"
	"github.com/videodit/videodit/segment/segmenttest"
)

// Example grounds two phrases and a distractor in a synthetic clip with
// the shipped weights and compares the masks with the truth.
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
		{Text: "blue circle", Head: "circle"},
		{Text: "green star", Head: "star"}, // not in the clip
	}
	props, err := det.Detect(ctx, clip.Video.Frames, phrases)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, p := range phrases {
		best, ok := segment.Best(props[i][3])
		if !ok || best.Score < det.Threshold(p) {
			fmt.Printf("%-11s not found in frame 3\n", p.Text)
			continue
		}
		iou, _ := best.Mask.IoU(clip.Masks[p.Text][3])
		fmt.Printf("%-11s found in frame 3, IoU with the truth >= 0.7: %v\n", p.Text, iou >= 0.7)
	}
	// Output:
	// red square  found in frame 3, IoU with the truth >= 0.7: true
	// blue circle found in frame 3, IoU with the truth >= 0.7: true
	// green star  not found in frame 3
}
