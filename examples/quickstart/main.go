// Command quickstart grounds a query in a video with the SDK's default
// model and draws the result:
//
//	go run ./examples/quickstart
//
// With no flags it generates a clip of the project's synthetic benchmark
// (internal/synth, a seed the default model was not trained on) as an mp4
// file, decodes it with ffmpeg, grounds one of the clip's own queries,
// prints the ranked spans next to the ground truth and writes timeline.png
// (per-entity presence, the ranked spans, the ground truth). -video and
// -query ground your own clip and query instead (the default model knows
// only the benchmark's world of coloured shapes).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/grounding/defaultmodel"
	"github.com/videodit/videodit/internal/synth"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("quickstart: ")
	video := flag.String("video", "", "video file to ground in (default: a generated benchmark clip)")
	query := flag.String("query", "", "query (default: the generated clip's first query)")
	index := flag.Int("index", 3, "index of the generated clip (seed 2026 of the benchmark)")
	png := flag.String("png", "timeline.png", "timeline image to write")
	flag.Parse()
	if err := run(context.Background(), *video, *query, *index, *png); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, video, query string, index int, png string) error {
	var truth *grounding.TimelineSpan
	if video == "" {
		dir, err := os.MkdirTemp("", "quickstart")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if err := synth.WriteSplit(ctx, dir, synth.Config{Split: "quickstart"}, 2026, index+1, synth.WriteOptions{Workers: 1}); err != nil {
			return err
		}
		id := fmt.Sprintf("quickstart-2026-%05d", index)
		meta, err := synth.ReadMeta(filepath.Join(dir, "meta", id+".json"))
		if err != nil {
			return err
		}
		video = filepath.Join(dir, "videos", id+".mp4")
		if query == "" {
			q := meta.Queries[0]
			query = q.Text
			truth = &grounding.TimelineSpan{Start: q.Start, End: q.End}
		}
	}
	if query == "" {
		return fmt.Errorf("-video needs -query")
	}
	p, err := defaultmodel.Load(ctx, grounding.Options{})
	if err != nil {
		return err
	}
	v, err := grounding.LoadVideoFile(ctx, video, grounding.VideoOptions{})
	if err != nil {
		return err
	}
	res, err := p.Ground(ctx, v, query)
	if err != nil {
		return err
	}
	fmt.Printf("query: %s\n", query)
	for i, s := range res.Spans {
		fmt.Printf("  #%d  %6.2fs - %6.2fs  score %.3g\n", i+1, s.Start, s.End, s.Score)
	}
	if truth != nil {
		fmt.Printf("  truth %5.2fs - %6.2fs\n", truth.Start, truth.End)
	}
	for _, e := range res.Entities {
		n := 0
		for _, a := range e.Areas {
			if a > 0 {
				n++
			}
		}
		fmt.Printf("  entity %q: visible in %d of %d frames\n", e.Phrase, n, res.Frames)
	}
	tl := grounding.Timeline{Times: v.Times, Duration: v.Duration, Truth: truth}
	for _, e := range res.Entities {
		on := make([]bool, len(e.Areas))
		for t, a := range e.Areas {
			on[t] = a > 0
		}
		tl.Rows = append(tl.Rows, grounding.TimelineRow{Label: e.Phrase, Values: e.Scores, On: on})
	}
	for _, s := range res.Spans {
		tl.Spans = append(tl.Spans, grounding.TimelineSpan{Start: s.Start, End: s.End, Score: s.Score})
	}
	img, err := grounding.DrawTimeline(tl)
	if err != nil {
		return err
	}
	if err := grounding.WritePNG(png, img); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", png)
	return nil
}
