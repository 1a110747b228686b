// Command track runs the entity stage of videodit (paper section III-A) on a
// video: it parses the query into noun phrases, detects them in every frame
// with OpenCV's cascades (nouns person, pedestrian, man, woman, body, face),
// gates their co-occurrence, tracks one mask per phrase with dense optical
// flow from the gated start, and writes what it found:
//
//	go run ./examples/track -video FILE -query "person" -out DIR
//
// DIR/timeline.png shows the per-phrase scores, the gate and the span;
// DIR/overlay_NNN.png shows frames with the tracked masks; the tracks and
// the span are printed as JSON on standard output.
//
// OpenCV's pedestrian clip is in Debian's opencv-doc package:
//
//	apt-get install opencv-doc
//	go run ./examples/track -video /usr/share/doc/opencv-doc/examples/data/vtest.avi \
//		-query "person" -start 0 -end 8 -out /tmp/track
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/internal/cascade"
	"github.com/videodit/videodit/segment"
)

type trackJSON struct {
	Phrase  string    `json:"phrase"`
	Head    string    `json:"head"`
	Tau     float64   `json:"tau"`
	Start   int       `json:"start_frame"`
	Valid   []int     `json:"valid_frames"`
	Boxes   [][4]int  `json:"boxes"` // per frame x0,y0,x1,y1 of the mask; zeros when empty
	Reseeds []int     `json:"reseeds"`
	Scores  []float64 `json:"scores"`
}

type outputJSON struct {
	Video    string      `json:"video"`
	Query    string      `json:"query"`
	Frames   int         `json:"frames"`
	Times    []float64   `json:"times"`
	Repeated bool        `json:"repeated"`
	Dropped  []string    `json:"dropped"`
	Start    int         `json:"start_frame"`
	Gate     []bool      `json:"gate"`
	Span     *[2]float64 `json:"span_seconds"`
	Tracks   []trackJSON `json:"tracks"`
}

func main() {
	video := flag.String("video", "", "video file to read (any format ffmpeg decodes)")
	query := flag.String("query", "person", "the query whose noun phrases are tracked")
	out := flag.String("out", "track-out", "folder for timeline.png and the overlays")
	frames := flag.Int("frames", 48, "frames T sampled uniformly from the video")
	maxSide := flag.Int("maxside", 384, "longer side of the decoded frames in pixels")
	every := flag.Int("every", 4, "write an overlay for every N-th frame")
	start := flag.Float64("start", 0, "first second of the video to sample")
	end := flag.Float64("end", 0, "last second of the video to sample (0: the end)")
	k := flag.Int("k", 2, "persistence K of Eq. 4")
	minSpan := flag.Int("minspan", 2, "minimum span length L of Step 5, in frames")
	cascades := flag.String("cascades", segment.DefaultCascadeDir, "folder holding OpenCV's haarcascades/ and lbpcascades/")
	flag.Parse()
	if *video == "" {
		fmt.Fprintln(os.Stderr, "track: -video is required")
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *video, *query, *out, grounding.VideoOptions{Frames: *frames, MaxSide: *maxSide, Start: *start, End: *end}, *every, *k, *minSpan, *cascades); err != nil {
		fmt.Fprintln(os.Stderr, "track:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, video, query, out string, vo grounding.VideoOptions, every, k, minSpan int, cascades string) error {
	if every < 1 {
		return fmt.Errorf("-every %d must be >= 1", every)
	}
	v, err := grounding.LoadVideoFile(ctx, video, vo)
	if err != nil {
		return err
	}
	det, err := segment.NewCascadeDetector(cascades, cascade.Options{})
	if err != nil {
		return err
	}
	opts := segment.DefaultOptions()
	opts.K, opts.MinSpan = k, minSpan
	opts.Progress = func(stage string, done, total int) {
		fmt.Fprintf(os.Stderr, "track: %s done (%d/%d)\n", stage, done, total)
	}
	seg, err := segment.New(nil, det, nil, opts)
	if err != nil {
		return err
	}
	res, err := seg.Segment(ctx, segment.Video{Frames: v.Frames, Times: v.Times}, query)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tl := grounding.Timeline{Times: v.Times, From: vo.Start, Duration: v.Duration, Gate: res.Gate}
	if vo.End > 0 {
		tl.Duration = math.Min(vo.End, v.Duration)
	}
	o := outputJSON{Video: video, Query: query, Frames: v.T(), Times: v.Times, Repeated: v.Repeated,
		Start: res.Start, Gate: res.Gate, Dropped: []string{}, Tracks: []trackJSON{}}
	for _, d := range res.Dropped {
		o.Dropped = append(o.Dropped, d.Text)
	}
	if res.Span != nil {
		o.Span = &[2]float64{res.Span.StartSec, res.Span.EndSec}
		tl.Spans = []grounding.TimelineSpan{{Start: res.Span.StartSec, End: endOf(v, res.Span.End)}}
	}
	var labels []string
	for _, tr := range res.Tracks {
		tj := trackJSON{Phrase: tr.Phrase.Text, Head: tr.Phrase.Head, Tau: tr.Tau, Start: tr.Start,
			Reseeds: tr.Reseeds, Scores: tr.Scores, Valid: []int{}}
		for t, ok := range tr.Valid {
			if ok {
				tj.Valid = append(tj.Valid, t)
			}
		}
		for _, m := range tr.Masks {
			var b [4]int
			if bb, ok := m.Box(); ok {
				b = [4]int{bb.X0, bb.Y0, bb.X1, bb.Y1}
			}
			tj.Boxes = append(tj.Boxes, b)
		}
		o.Tracks = append(o.Tracks, tj)
		tl.Rows = append(tl.Rows, grounding.TimelineRow{Label: tr.Phrase.Text, Values: tr.Scores, On: tr.Valid})
		labels = append(labels, tr.Phrase.Text)
	}
	img, err := grounding.DrawTimeline(tl)
	if err != nil {
		return err
	}
	if err := grounding.WritePNG(filepath.Join(out, "timeline.png"), img); err != nil {
		return err
	}
	for t := 0; t < v.T(); t += every {
		masks := make([]segment.Mask, len(res.Tracks))
		for i, tr := range res.Tracks {
			masks[i] = tr.Masks[t]
		}
		img, err := grounding.DrawOverlay(v, t, masks, labels)
		if err != nil {
			return err
		}
		if err := grounding.WritePNG(filepath.Join(out, fmt.Sprintf("overlay_%03d.png", t)), img); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(o)
}

// endOf is the end in seconds of frame t: the next frame's time, or the
// clip's duration for the last frame.
func endOf(v *grounding.Video, t int) float64 {
	if t+1 < len(v.Times) {
		return v.Times[t+1]
	}
	return v.Duration
}
