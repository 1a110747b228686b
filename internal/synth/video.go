package synth

import (
	"fmt"
	"image"
	"math"
)

// Video is one generated video: its ground truth and everything needed to
// render its frames on demand.
type Video struct {
	// Meta is the ground truth (what meta/ID.json holds).
	Meta *Meta

	specs  []entitySpec
	states [][]entFrame // [frame][entity]
	bg     *background
}

// VideoID returns the ID of video index of a split: "<split>-<seed>-<index
// as 5 digits>".
func VideoID(split string, seed uint64, index int) string {
	return fmt.Sprintf("%s-%d-%05d", split, seed, index)
}

// Generate simulates video index of the benchmark made with cfg and seed.
// The result depends only on (cfg, seed, index): videos are independent
// and can be generated in any order or in parallel.
func Generate(cfg Config, seed uint64, index int) (*Video, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if index < 0 {
		return nil, fmt.Errorf("synth: video index %d is negative", index)
	}
	id := VideoID(cfg.Split, seed, index)
	r := newRand(seed, index, 0)
	frames := max(1, int(math.Round(uniform(r, cfg.MinDuration, cfg.MaxDuration)*cfg.FPS)))
	nEnt := cfg.MinEntities + r.IntN(cfg.MaxEntities-cfg.MinEntities+1)
	specs := newEntities(r, nEnt, cfg.Width, cfg.Height)
	cam := newCamera(r, cfg)
	states := simulate(cfg, newRand(seed, index, 1), specs, cam, frames)

	maxB := 0.0
	for i := range specs {
		maxB = math.Max(maxB, specs[i].bound())
	}
	bg := newBackground(newRand(seed, index, 2), cfg, -cam.amp-3*maxB, float64(cfg.Width)+cam.amp+3*maxB)

	desc := describe(specs)
	m := &Meta{ID: id, Split: cfg.Split, Seed: seed, Index: index, FPS: cfg.FPS, Width: cfg.Width, Height: cfg.Height,
		Frames: frames, Duration: float64(frames) / cfg.FPS, CameraX: make([]float64, frames)}
	for i, e := range specs {
		m.Entities = append(m.Entities, Entity{ID: i, Colour: colours[e.colour].name, Shape: shapes[e.shape].name,
			Size: sizeName(e), Description: desc[i], Layer: e.layer})
		m.Tracks = append(m.Tracks, Track{Entity: i, Boxes: make([]*Box, frames), Masks: make([][]int, frames)})
	}
	ras := newRasterizer(cfg.Width, cfg.Height, specs)
	pred := newPredicates(len(specs), frames)
	var vis []int32
	for t := range frames {
		m.CameraX[t] = cam.x(t)
		ras.draw(states[t], m.CameraX[t])
		pred.observe(t, states[t], ras)
		for e := range specs {
			var box *Box
			vis, box = ras.visible(e, vis)
			if box != nil {
				m.Tracks[e].Boxes[t] = box
				m.Tracks[e].Masks[t] = rleFromIndices(vis, cfg.Width*cfg.Height)
			}
		}
	}
	m.Events = pred.events(states, cfg.FPS)
	m.Queries = makeQueries(newRand(seed, index, 3), m.Events, desc, cfg.FPS, cfg.Queries)
	m.QA = makeQA(newRand(seed, index, 4), newEventIndex(m.Events), specs, desc, states, id, cfg.QA)
	return &Video{Meta: m, specs: specs, states: states, bg: bg}, nil
}

// RGB renders frame t into dst as packed rgb24 (Height rows of Width
// pixels, 3 bytes each: R, G, B), the layout ffmpeg's rawvideo rgb24 reads.
// dst must hold Width*Height*3 bytes.
func (v *Video) RGB(t int, dst []byte) error {
	m := v.Meta
	if t < 0 || t >= m.Frames {
		return fmt.Errorf("synth: video %s: frame %d out of range [0, %d)", m.ID, t, m.Frames)
	}
	if len(dst) < m.Width*m.Height*3 {
		return fmt.Errorf("synth: video %s: buffer of %d bytes, want %d", m.ID, len(dst), m.Width*m.Height*3)
	}
	ras := newRasterizer(m.Width, m.Height, v.specs)
	cx := m.CameraX[t]
	ras.draw(v.states[t], cx)
	base, w := v.bg.base(t)
	pos := 0.5 + cx - v.bg.x0
	k0 := int(math.Floor(pos))
	f, wf := float32(pos-float64(k0)), float32(w)
	var ents [][3]uint8
	for _, st := range v.states[t] {
		ents = append(ents, [3]uint8{to8(st.rgb[0]), to8(st.rgb[1]), to8(st.rgb[2])})
	}
	for y := range m.Height {
		p, q := v.bg.p[y*v.bg.cols:(y+1)*v.bg.cols], v.bg.q[y*v.bg.cols:(y+1)*v.bg.cols]
		for x := range m.Width {
			i := y*m.Width + x
			if e := ras.owner[i]; e >= 0 {
				copy(dst[3*i:3*i+3], ents[e][:])
				continue
			}
			k := k0 + x
			a, b := p[k]+wf*q[k], p[k+1]+wf*q[k+1]
			val := float64(a + f*(b-a))
			dst[3*i], dst[3*i+1], dst[3*i+2] = to8(base[0]*val), to8(base[1]*val), to8(base[2]*val)
		}
	}
	return nil
}

// to8 maps [0,1] to a byte, clamping.
func to8(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 1:
		return 255
	}
	return uint8(v*255 + 0.5)
}

// Frame renders frame t as an image (alpha 255 everywhere).
func (v *Video) Frame(t int) (*image.RGBA, error) {
	m := v.Meta
	rgb := make([]byte, m.Width*m.Height*3)
	if err := v.RGB(t, rgb); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, m.Width, m.Height))
	for i := range m.Width * m.Height {
		copy(img.Pix[4*i:4*i+3], rgb[3*i:3*i+3])
		img.Pix[4*i+3] = 255
	}
	return img, nil
}
