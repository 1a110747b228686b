package segment

import (
	"context"

	"gorgonia.org/tensor"
)

// Reseed is called by a Tracker after each propagation step with the frame
// index t and the propagated masks at t (one per seed, in seed order);
// calls are sequential, in frame order, from the goroutine running Track. It
// returns the masks to keep at t and to propagate from: the same slice, or
// one where drifted masks are replaced by fresh detections. It must return
// as many masks as it was given, each of the frame's size.
type Reseed func(t int, masks []Mask) []Mask

// Tracker propagates binary masks forward through a video (Step 4, Eq. 5:
// T_i = {m_{i,t}}, t = t_s..T).
//
// Track takes frames, a float32 tensor (T,H,W,3) with values in [0,1], the
// start frame t_s and one H x W seed mask per entity at t_s. It returns
// out[i][j], the mask of entity i at frame start+j, for j = 0..T-1-start;
// out[i][0] equals seeds[i]. After computing the masks of frame t > start
// it calls reseed (when not nil) and continues from what reseed returns.
// Track checks ctx between frames and returns its error when cancelled; it
// is safe for concurrent use.
type Tracker interface {
	Track(ctx context.Context, frames *tensor.Dense, start int, seeds []Mask, reseed Reseed) ([][]Mask, error)
}
