package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
)

// clipSource cuts training clips out of synthetic benchmark videos.
type clipSource struct {
	cfg    diffusion.Config
	synth  synth.Config
	seed   uint64
	frames int
}

// sample is one training clip with its instruction and the facts the
// auxiliary encoder learns (colours and shapes present per frame).
type sample struct {
	clip        *diffusion.Clip
	instruction string
	present     [][]float32 // [frame][colour..., shape...]
	start       int         // first frame of the clip in its video
}

// clip returns the clip of video index, starting at a frame and masking
// entities chosen by r.
func (s *clipSource) clip(r *rand.Rand, index int) (*sample, error) {
	v, err := synth.Generate(s.synth, s.seed, index)
	if err != nil {
		return nil, err
	}
	m := v.Meta
	n := min(s.frames, m.Frames)
	start := r.IntN(m.Frames - n + 1)
	// Entities named by the instruction and covered by the mask.
	var chosen []int
	if r.Float64() >= 0.15 {
		for _, e := range r.Perm(len(m.Entities))[:1+r.IntN(min(2, len(m.Entities)))] {
			chosen = append(chosen, e)
		}
	}
	frames := make([]float32, n*m.Width*m.Height*3)
	rgb := make([]byte, m.Width*m.Height*3)
	masks := make([]segment.Mask, n)
	present := make([][]float32, n)
	colours, shapes := synth.Colours(), synth.Shapes()
	for t := range n {
		if err := v.RGB(start+t, rgb); err != nil {
			return nil, err
		}
		for i, b := range rgb {
			frames[t*len(rgb)+i] = float32(b) / 255
		}
		masks[t] = segment.NewMask(m.Width, m.Height)
		for _, e := range chosen {
			bits, err := m.Tracks[e].Mask(start+t, m.Width, m.Height)
			if err != nil {
				return nil, err
			}
			for i, on := range bits {
				if on {
					masks[t].Set(i%m.Width, i/m.Width, true)
				}
			}
		}
		present[t] = make([]float32, len(colours)+len(shapes))
		for e, ent := range m.Entities {
			if m.Tracks[e].Boxes[start+t] == nil {
				continue
			}
			present[t][index0(colours, ent.Colour)] = 1
			present[t][len(colours)+index0(shapes, ent.Shape)] = 1
		}
	}
	clip, err := s.cfg.Prepare(tensor.New(tensor.WithShape(n, m.Height, m.Width, 3), tensor.WithBacking(frames)), masks)
	if err != nil {
		return nil, fmt.Errorf("video %s: %w", m.ID, err)
	}
	instr := "focus on the masked region"
	if len(chosen) > 0 {
		var names []string
		for _, e := range chosen {
			names = append(names, m.Entities[e].Description)
		}
		instr = "highlight " + strings.Join(names, " and ")
	}
	return &sample{clip: clip, instruction: instr, present: present, start: start}, nil
}

// index0 returns the index of s in list, or 0.
func index0(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return 0
}
