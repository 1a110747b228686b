// Command eval scores temporal grounding and grounded QA with the official
// metrics (package heads), either from a file of predictions or for one of
// the floor baselines on a benchmark split written by examples/synth.
//
//	go run ./examples/eval -metrics FILE.jsonl
//	go run ./examples/eval -baseline random|prior|gate-oracle -data DIR [-train DIR2] [-seed S]
//
// Each line of FILE.jsonl is {"id": "...", "gt": [[s,e], ...], "pred":
// [[s,e], ...], "answer": "...", "prediction": "..."} (see
// dataset.ReadPredictions; the answer fields are optional). The output is
// one JSON object with the keys n, R1@0.3, R1@0.5, R1@0.7, mIoU, mIoP,
// IoP@0.3, IoP@0.5, IoU@0.3, IoU@0.5, Acc@QA, Acc@GQA: percentages,
// unrounded. Acc@QA and Acc@GQA are null when the lines carry no answers,
// and always for the baselines, which predict spans only.
//
// The baselines score every grounding query of the split's meta/*.json:
//
//   - random: a span between two uniform random times in [0, duration],
//     seeded by -seed;
//   - prior: the training split's (-train) mean normalised span length,
//     centred on its mean normalised centre, clipped to the video;
//   - gate-oracle: an entity is present in a frame when its ground-truth
//     mask there is non-empty; the AND over the query's entities is the
//     gate g_t (Eq. 3) and the span is its longest run of ones (paper Step 5),
//     an upper bound for the training-free path. A query whose gate is never
//     open gets no prediction (it scores 0).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/dataset"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "eval:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	metrics := fs.String("metrics", "", "score the predictions in this JSONL file")
	baseline := fs.String("baseline", "", "score a baseline: random, prior or gate-oracle")
	data := fs.String("data", "", "split directory written by examples/synth (with -baseline)")
	train := fs.String("train", "", "training split directory (with -baseline prior)")
	seed := fs.Uint64("seed", 1, "random seed (with -baseline random)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var qs []heads.Query
	switch {
	case *metrics != "" && *baseline != "":
		return errors.New("give -metrics or -baseline, not both")
	case *metrics != "":
		var err error
		if qs, err = dataset.ReadPredictionsFile(*metrics); err != nil {
			return err
		}
	case *baseline != "":
		if *data == "" {
			return errors.New("-baseline needs -data DIR")
		}
		var err error
		if qs, err = runBaseline(*baseline, *data, *train, *seed, stderr); err != nil {
			return err
		}
	default:
		fs.Usage()
		return errors.New("give -metrics FILE or -baseline NAME -data DIR")
	}
	r, err := heads.Evaluate(qs)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	return enc.Encode(r)
}
