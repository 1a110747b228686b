package nn

import "math/rand/v2"

// PatchEmbed cuts frames into tubelets of PT frames by PH by PW pixels and
// maps each tubelet to a D-dimensional token with a Linear (a Conv3d with
// kernel = stride = (PT, PH, PW), written as a matrix product).
//
// Token order: tokens run over the tubelet grid (T/PT, H/PH, W/PW) in
// row-major order (time slowest, then rows, then columns), so token
// n = (t*(H/PH) + i)*(W/PW) + j. Within a tubelet the PT*PH*PW*C features
// run (dt, dy, dx, c) in row-major order. A PyTorch Conv3d weight
// (D, C, PT, PH, PW) therefore becomes Proj.W by permuting it to
// (D, PT, PH, PW, C) and reshaping to (D, PT*PH*PW*C).
type PatchEmbed struct {
	// Proj maps PT*PH*PW*C to D.
	Proj       Linear `st:"proj"`
	PT, PH, PW int
}

// NewPatchEmbed returns a tubelet embedding of (pt, ph, pw) patches of c
// channels into d features, with bias, initialised from rng.
func NewPatchEmbed(rng *rand.Rand, pt, ph, pw, c, d int) *PatchEmbed {
	return &PatchEmbed{Proj: *NewLinear(rng, pt*ph*pw*c, d, true), PT: pt, PH: ph, PW: pw}
}

// Forward maps frames of shape (T, H, W, C) (T, H, W multiples of PT, PH,
// PW) to tokens (T/PT * H/PH * W/PW, D) in the order documented on
// PatchEmbed.
func (p *PatchEmbed) Forward(e Exec, frames V) V {
	return p.Proj.Forward(e, Patchify(e, frames, p.PT, p.PH, p.PW))
}

// Patchify rearranges frames (T, H, W, C) into tubelets
// (T/pt * H/ph * W/pw, pt*ph*pw*C) in the order documented on PatchEmbed.
func Patchify(e Exec, frames V, pt, ph, pw int) V {
	s := frames.Shape()
	if len(s) != 4 || pt <= 0 || ph <= 0 || pw <= 0 {
		// Let the executor record a shape error naming the input.
		return e.Reshape(frames, 0)
	}
	t, h, w, c := s[0], s[1], s[2], s[3]
	x := e.Reshape(frames, t/pt, pt, h/ph, ph, w/pw, pw, c)
	x = e.Transpose(x, 0, 2, 4, 1, 3, 5, 6)
	return e.Reshape(x, (t/pt)*(h/ph)*(w/pw), pt*ph*pw*c)
}
