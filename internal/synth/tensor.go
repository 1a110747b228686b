package synth

import (
	"fmt"

	"gorgonia.org/tensor"
)

// Tensor renders the frames listed in idx (every frame when idx is nil) as
// a float32 tensor of shape (len(idx), Height, Width, 3), axis order
// frame, row, column, RGB channel, values in [0,1]: the frame layout of
// the rest of the SDK. Their times in seconds are idx[k]/FPS.
func (v *Video) Tensor(idx []int) (*tensor.Dense, error) {
	m := v.Meta
	if idx == nil {
		idx = make([]int, m.Frames)
		for t := range idx {
			idx[t] = t
		}
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("synth: video %s: no frames requested", m.ID)
	}
	n := m.Width * m.Height * 3
	data := make([]float32, len(idx)*n)
	rgb := make([]byte, n)
	for k, t := range idx {
		if err := v.RGB(t, rgb); err != nil {
			return nil, err
		}
		for i, b := range rgb {
			data[k*n+i] = float32(b) / 255
		}
	}
	return tensor.New(tensor.WithShape(len(idx), m.Height, m.Width, 3), tensor.WithBacking(data)), nil
}
