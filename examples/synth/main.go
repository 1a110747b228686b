// Command synth writes a split of the procedural video benchmark: videos,
// Charades-STA style queries (charades.txt), NExT-GQA style questions
// (qa.jsonl), per-video ground truth (meta/ID.json) and a README line.
//
//	go run ./examples/synth -seed 1 -n 200 -out /tmp/s200
//	go run ./examples/synth -seed 7 -n 500 -out data/test -split test -format mp4,png
//
// The same seed and flags give the same annotations and frames.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/videodit/videodit/internal/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}

// run parses the flags in args and writes the split; progress goes to log.
func run(ctx context.Context, args []string, log io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(log)
	seed := fs.Uint64("seed", 1, "random seed of the split")
	n := fs.Int("n", 10, "number of videos")
	out := fs.String("out", "", "output directory (required)")
	split := fs.String("split", synth.DefaultSplit, "split name, used in video IDs")
	size := fs.String("size", "128x128", "frame size WIDTHxHEIGHT (even sides)")
	fps := fs.Float64("fps", synth.DefaultFPS, "frames per second")
	dur := fs.String("dur", "10-40", "duration range in seconds, LO-HI")
	ents := fs.String("entities", "2-6", "entity count range, LO-HI")
	format := fs.String("format", "mp4", "video output: mp4, png or mp4,png")
	pan := fs.String("pan", "sometimes", "camera pan: sometimes, never or always")
	workers := fs.Int("workers", 0, "videos generated at once (0: one per CPU); the output does not depend on it")
	quiet := fs.Bool("q", false, "no progress output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("want -out DIR and no positional arguments")
	}
	cfg := synth.Config{Split: *split, FPS: *fps}
	var err error
	if cfg.Width, cfg.Height, err = synth.ParseSize(*size); err != nil {
		return err
	}
	if cfg.MinDuration, cfg.MaxDuration, err = synth.ParseRange(*dur); err != nil {
		return err
	}
	lo, hi, err := synth.ParseRange(*ents)
	if err != nil {
		return err
	}
	if lo != float64(int(lo)) || hi != float64(int(hi)) {
		return fmt.Errorf("entity range %q: want whole numbers", *ents)
	}
	cfg.MinEntities, cfg.MaxEntities = int(lo), int(hi)
	switch *pan {
	case "sometimes":
		cfg.Pan = synth.PanSometimes
	case "never":
		cfg.Pan = synth.PanNever
	case "always":
		cfg.Pan = synth.PanAlways
	default:
		return fmt.Errorf("pan %q: want sometimes, never or always", *pan)
	}
	f, err := synth.ParseFormat(*format)
	if err != nil {
		return err
	}
	opt := synth.WriteOptions{Format: f, Workers: *workers}
	if !*quiet {
		opt.Progress = func(done, total int) {
			if done == total || done%10 == 0 {
				fmt.Fprintf(log, "%d/%d videos\n", done, total)
			}
		}
	}
	return synth.WriteSplit(ctx, *out, cfg, *seed, *n, opt)
}
