package segment

import (
	"context"

	"gorgonia.org/tensor"
)

// Proposal is one region proposal o_{t,k} for a phrase in a frame: a binary
// mask of the frame's size, its box and the open-vocabulary matching score
// Score(n_i, o_{t,k}) in [0,1] (Eq. 2).
type Proposal struct {
	Mask  Mask
	Box   Box
	Score float64
}

// Detector is the open-vocabulary grounding of Step 2.
//
// Detect looks for every phrase in every frame of frames, a float32 tensor
// of shape (T,H,W,3) (frame, row, column, RGB) with values in [0,1]. It
// returns props[i][t], the proposals for phrases[i] in frame t: any number
// (none when nothing matches), each with an H x W mask, a box inside the
// frame and a score in [0,1]. The caller keeps the best per Eq. 2 (see
// Best). No phrases give an empty result. Detect checks ctx and returns its
// error when cancelled; it is safe for concurrent use.
type Detector interface {
	Detect(ctx context.Context, frames *tensor.Dense, phrases []Phrase) ([][][]Proposal, error)
}

// Thresholder is an optional ability of a Detector: the confidence
// threshold tau_i its scores call for, per phrase, in [0,1]. The default
// Segmenter uses it for phrases without a threshold in its Options.
type Thresholder interface {
	Threshold(p Phrase) float64
}

// Best is the highest-scoring proposal of Eq. 2 (k_hat = argmax_k Score),
// the earliest on ties; false when there is none.
func Best(props []Proposal) (Proposal, bool) {
	if len(props) == 0 {
		return Proposal{}, false
	}
	b := props[0]
	for _, p := range props[1:] {
		if p.Score > b.Score {
			b = p
		}
	}
	return b, true
}
