// Package defaulttext holds the SDK's default text encoder: a
// fusion.TextTransformer (WordPiece vocabulary of 1024 tokens with the time
// tokens <0>..<31>, width 64, 4 heads, 2 blocks, MLP 128, at most 64
// tokens; about 0.6 MB of float32 weights) trained by
// examples/train-textencoder on the synthetic benchmark's queries and then
// frozen. Its weights are compiled in (go:embed), so only programs that
// import this package pay for them.
//
// Training objective: five linear classifiers on e_text, trained with the
// encoder, predict the kind of the query's target event, the colour and
// the shape of its entity, the query's relation (plain, ordinal, after,
// before, while) and the anchor event's kind; the classifiers are thrown
// away. The shipped weights are from 2500 steps of 64 queries (8 minutes
// on a shared 2-core machine, log in train.log); on the queries of 150
// held-out videos (another seed) the classifiers reach accuracies of 1.000
// (event kind), 0.973 (colour), 0.978 (shape), 1.000 (relation) and 0.997
// (anchor kind). Retrain with
//
//	go run ./examples/train-textencoder -out fusion/defaulttext/model -steps 2500 -minutes 12 -vocab 1024
package defaulttext

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/videodit/videodit/fusion"
)

//go:embed model/config.json model/model.safetensors model/vocab.txt
var files embed.FS

// Load returns a new copy of the default text encoder, read from the
// embedded checkpoint. Each call returns independent weights.
func Load(ctx context.Context) (*fusion.TextTransformer, error) {
	sub, err := fs.Sub(files, "model")
	if err != nil {
		return nil, fmt.Errorf("defaulttext: %w", err)
	}
	m, err := fusion.LoadText(ctx, sub)
	if err != nil {
		return nil, fmt.Errorf("defaulttext: %w", err)
	}
	return m, nil
}
