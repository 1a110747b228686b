package grounding_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/diffusion/diffusiontest"
	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/segment"
)

// trackRecorder is a diffusion.TrackEncoder that records the tracks it is
// given and encodes like its Fake.
type trackRecorder struct {
	diffusiontest.Fake
	tracks [][]segment.Mask
	calls  int
}

var _ diffusion.TrackEncoder = (*trackRecorder)(nil)

func (r *trackRecorder) EncodeTracks(ctx context.Context, frames *tensor.Dense, masks []segment.Mask, tracks [][]segment.Mask, instruction string) (*tensor.Dense, error) {
	r.calls++
	r.tracks = tracks
	return r.Encode(ctx, frames, masks, instruction)
}

// TestGroundPassesTracks checks that Ground hands an Encoder that is a
// diffusion.TrackEncoder each track's masks, in query order, and uses
// what EncodeTracks returns.
func TestGroundPassesTracks(t *testing.T) {
	st := stages(fixedSpans{peaked(2), peaked(4)})
	rec := &trackRecorder{Fake: diffusiontest.Fake{Dim: dv, Seed: 7}}
	st.Encoder = rec
	p, err := grounding.New(st, grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Ground(context.Background(), testVideo(), query); err != nil {
		t.Fatal(err)
	}
	if rec.calls != 1 {
		t.Fatalf("EncodeTracks called %d times, want 1", rec.calls)
	}
	want := [][]segment.Mask{script().Tracks[0].Masks}
	if diff := cmp.Diff(want, rec.tracks, cmp.Comparer(segment.Mask.Equal)); diff != "" {
		t.Errorf("tracks given to the encoder (-want +got):\n%s", diff)
	}
}
