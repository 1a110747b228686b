package grounder

import (
	"context"
	"fmt"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/defaultdenoiser"
	"github.com/videodit/videodit/fusion/defaulttext"
	"github.com/videodit/videodit/internal/lm/defaultlm"
	"github.com/videodit/videodit/lora"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/learneddet"
)

// DefaultEntities is the number of entity slots of the default model's
// pooled features (diffusion.Options.Entities): a benchmark query names at
// most four entities (two clauses of two).
const DefaultEntities = 4

// DefaultEncoderOptions are the diffusion knobs of the default model: the
// paper's trajectory (diffusion.DefaultOptions) with the union mask's
// geometry and the entities' own features appended to the pooled features.
func DefaultEncoderOptions() diffusion.Options {
	o := diffusion.DefaultOptions()
	o.Geometry = true
	o.Entities = DefaultEntities
	return o
}

// SegmentOptions are the entity stage's options of the default model:
// segment.DefaultOptions with tracks that end where their phrase goes
// undetected for 3 frames (Lost), so that presence and the union mask
// follow entities that leave, vanish and come back.
func SegmentOptions() segment.Options {
	o := segment.DefaultOptions()
	o.Lost = 3
	return o
}

// LoadDefaults returns the SDK's default frozen stages (segment with the
// learned detector refined by the shape classifier, the pretrained denoiser under the encoder options o,
// the default text encoder, the auxiliary frame classifier) and the default
// language model with its tokenizer, each a fresh copy.
func LoadDefaults(ctx context.Context, o diffusion.Options) (*Frozen, Base, error) {
	base, err := learneddet.Load(ctx)
	if err != nil {
		return nil, Base{}, err
	}
	shapes, err := learneddet.ShippedShapes(ctx)
	if err != nil {
		return nil, Base{}, err
	}
	det := &learneddet.ShapeDetector{Base: base, Shapes: shapes, MinArea: learneddet.DefaultMinArea}
	seg, err := segment.New(nil, det, nil, SegmentOptions())
	if err != nil {
		return nil, Base{}, err
	}
	enc, err := defaultdenoiser.Encoder(o, 1, 1)
	if err != nil {
		return nil, Base{}, err
	}
	text, err := defaulttext.Load(ctx)
	if err != nil {
		return nil, Base{}, err
	}
	aux, _, err := defaultdenoiser.Aux()
	if err != nil {
		return nil, Base{}, err
	}
	m, tok, err := defaultlm.Load(ctx)
	if err != nil {
		return nil, Base{}, err
	}
	id, err := lora.Identity(ctx, enc.Denoiser)
	if err != nil {
		return nil, Base{}, err
	}
	did, err := lora.Identity(ctx, base.Model())
	if err != nil {
		return nil, Base{}, err
	}
	sid, err := lora.Identity(ctx, shapes)
	if err != nil {
		return nil, Base{}, err
	}
	f := &Frozen{
		Segmenter: seg, Encoder: enc, Text: text, Aux: aux, Tok: tok,
		Name: fmt.Sprintf("denoiser %s detector %s shapes %s (min area %d) segment %+v", id, did, sid, det.MinArea, SegmentOptions()),
	}
	return f, Base{LM: m, Tok: tok}, nil
}
