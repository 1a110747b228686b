package synth

import (
	"math"
	"math/rand/v2"
)

// phase is an entity's appearance state.
type phase uint8

const (
	phaseNormal   phase = iota
	phaseRecolour       // blending to a new colour
	phaseShrink         // disappearing
	phaseAbsent         // gone
	phaseGrow           // reappearing
)

// motion is an entity's movement state.
type motion uint8

const (
	motionStill motion = iota
	motionMoving
	motionContact // stopped against another entity after touching it
)

// entFrame is one entity's state in one frame, in world pixels.
type entFrame struct {
	pos    vec
	scale  float64 // 1 at full size, 0 when absent
	rgb    [3]float64
	colour int // colour name shown: the old one until a colour change ends
	target int // colour after the current colour change (= colour otherwise)
	phase  phase
	moving bool // the entity moves between this frame and the next
}

// agent is the simulation's mutable state of one entity.
type agent struct {
	spec                     *entitySpec
	pos, vel                 vec
	scale                    float64
	motion                   motion
	motionLeft               int // frames left in the motion state
	partner                  int // entity touched last
	phase                    phase
	phaseK, phaseLen         int // frames spent in / length of the phase
	colour, from             int
	recolours, vanishes      int // scheduled colour changes and disappearances left
	nextRecolour, nextVanish int // earliest frames for them
}

// sim steps the world at the frame rate: motion with starts and stops,
// wall reflection, contacts between entities of one layer (found exactly by
// bisection along the step, after which both stop for a while), colour
// changes, disappearances and reappearances.
type sim struct {
	cfg    Config
	r      *rand.Rand
	agents []agent
	cam    camera
	lo, hi vec // bounds of entity centres
	b1, b2 []vec
}

// simulate returns the state of every entity in every frame, [frame][entity].
func simulate(cfg Config, r *rand.Rand, specs []entitySpec, cam camera, frames int) [][]entFrame {
	s := &sim{cfg: cfg, r: r, cam: cam}
	maxB := 0.0
	for i := range specs {
		maxB = math.Max(maxB, specs[i].bound())
	}
	margin := 2.5 * maxB
	s.lo = vec{-cam.amp - margin, -margin}
	s.hi = vec{float64(cfg.Width) + cam.amp + margin, float64(cfg.Height) + margin}
	dur := float64(frames) / cfg.FPS
	for i := range specs {
		a := agent{spec: &specs[i], scale: 1, colour: specs[i].colour, from: specs[i].colour, partner: -1}
		a.pos = s.initialPos(&specs[i], i)
		a.recolours = s.count(0.5, 0.85)
		a.vanishes = s.count(0.55, 0.85)
		a.nextRecolour = s.frames(2, math.Max(3, 0.5*dur))
		a.nextVanish = s.frames(3, math.Max(4, 0.6*dur))
		a.motionLeft = s.frames(0.5, 4)
		s.agents = append(s.agents, a)
		if r.Float64() < 0.6 {
			s.agents[i].motion = motionMoving
			s.agents[i].vel = s.newVelocity(i, cam.x(0))
		}
	}
	out := make([][]entFrame, frames)
	for t := range out {
		cx := cam.x(t)
		for i := range s.agents {
			s.updatePhase(i, t, cx)
		}
		for i := range s.agents {
			s.updateMotion(i, cx)
		}
		rec := make([]entFrame, len(s.agents))
		for i := range s.agents {
			rec[i] = s.agents[i].state()
		}
		for i := range s.agents {
			rec[i].moving = s.move(i)
		}
		for i := range s.agents {
			a := &s.agents[i]
			if a.phase != phaseNormal {
				a.phaseK++
			}
			a.motionLeft--
		}
		out[t] = rec
	}
	return out
}

// count draws 0 (p < p0), 1 (p < p1) or 2.
func (s *sim) count(p0, p1 float64) int {
	switch p := s.r.Float64(); {
	case p < p0:
		return 0
	case p < p1:
		return 1
	}
	return 2
}

// frames draws a duration of lo to hi seconds as a frame count >= 1.
func (s *sim) frames(lo, hi float64) int {
	return max(1, int(math.Round(uniform(s.r, lo, hi)*s.cfg.FPS)))
}

func (s *sim) speed() float64 {
	return uniform(s.r, 0.08, 0.22) * float64(min(s.cfg.Width, s.cfg.Height))
}

// poly returns agent i's outline at position p and its current scale.
func (s *sim) poly(dst []vec, i int, p vec) []vec {
	a := &s.agents[i]
	return place(dst, shapes[a.spec.shape].unit, p, a.spec.radius*a.scale)
}

// initialPos places entity i (the earlier ones already placed) at least 2
// pixels from the entities of its layer: 30% start outside the frame.
func (s *sim) initialPos(e *entitySpec, i int) vec {
	b := e.bound()
	w, h := float64(s.cfg.Width), float64(s.cfg.Height)
	cx := s.cam.x(0)
	var p vec
	for try := 0; try < 200; try++ {
		p.y = uniform(s.r, b, h-b)
		switch {
		case s.r.Float64() >= 0.3:
			p.x = uniform(s.r, cx+b, cx+w-b)
		case s.r.IntN(2) == 0:
			p.x = uniform(s.r, s.lo.x+b, cx-b)
		default:
			p.x = uniform(s.r, cx+w+b, s.hi.x-b)
		}
		poly := place(s.b1, shapes[e.shape].unit, p, e.radius)
		free := true
		for j := 0; j < i; j++ {
			o := &s.agents[j]
			if o.spec.layer == e.layer && gap(poly, s.poly(s.b2, j, o.pos)) <= 2 {
				free = false
				break
			}
		}
		if free {
			break
		}
	}
	return p
}

// inView reports whether agent i's centre is inside the frame.
func (s *sim) inView(i int, cx float64) bool {
	p := s.agents[i].pos
	return p.x >= cx && p.x < cx+float64(s.cfg.Width) && p.y >= 0 && p.y < float64(s.cfg.Height)
}

// fullyIn reports whether agent i's full-size outline lies inside the frame
// with a pixel to spare.
func (s *sim) fullyIn(i int, cx float64) bool {
	a := &s.agents[i]
	for _, v := range place(s.b1, shapes[a.spec.shape].unit, a.pos, a.spec.radius) {
		if v.x < cx+1 || v.x > cx+float64(s.cfg.Width)-1 || v.y < 1 || v.y > float64(s.cfg.Height)-1 {
			return false
		}
	}
	return true
}

// newVelocity heads towards the frame when the entity is outside it, in a
// random direction otherwise.
func (s *sim) newVelocity(i int, cx float64) vec {
	a := &s.agents[i]
	ang := uniform(s.r, 0, 2*math.Pi)
	if !s.inView(i, cx) {
		c := vec{cx + float64(s.cfg.Width)/2, float64(s.cfg.Height) / 2}
		ang = math.Atan2(c.y-a.pos.y, c.x-a.pos.x) + uniform(s.r, -0.6, 0.6)
	}
	v := s.speed()
	return vec{v * math.Cos(ang), v * math.Sin(ang)}
}

func (a *agent) setPhase(p phase, n int) { a.phase, a.phaseK, a.phaseLen = p, 0, n }

func (a *agent) state() entFrame {
	f := entFrame{pos: a.pos, scale: a.scale, colour: a.colour, target: a.colour, phase: a.phase, rgb: colours[a.colour].rgb}
	if a.phase == phaseRecolour {
		f.colour = a.from
		w := float64(a.phaseK+1) / float64(a.phaseLen+1)
		for c := range f.rgb {
			f.rgb[c] = (1-w)*colours[a.from].rgb[c] + w*colours[a.colour].rgb[c]
		}
	}
	return f
}

// updatePhase ends finished phases and starts scheduled colour changes and
// disappearances (only for entities fully in the frame and not touching).
func (s *sim) updatePhase(i, t int, cx float64) {
	a := &s.agents[i]
	if a.phase != phaseNormal && a.phaseK >= a.phaseLen {
		switch a.phase {
		case phaseRecolour:
			a.setPhase(phaseNormal, 0)
			a.nextRecolour = t + s.frames(4, 10)
		case phaseShrink:
			a.setPhase(phaseAbsent, s.frames(1.5, 4))
		case phaseAbsent:
			if p, ok := s.freeSpot(i, cx); ok {
				a.pos = p
				a.setPhase(phaseGrow, s.frames(1, 2))
			} else {
				a.phaseLen += s.frames(0.5, 0.5)
			}
		case phaseGrow:
			a.setPhase(phaseNormal, 0)
			a.motion, a.motionLeft = motionStill, s.frames(0.5, 1.5)
			a.nextVanish = t + s.frames(5, 12)
		}
	}
	if a.phase == phaseNormal && a.motion != motionContact {
		switch {
		case a.vanishes > 0 && t >= a.nextVanish && s.fullyIn(i, cx):
			a.vanishes--
			a.setPhase(phaseShrink, s.frames(1, 2))
			a.motion = motionStill
		case a.recolours > 0 && t >= a.nextRecolour && s.fullyIn(i, cx):
			a.recolours--
			a.from, a.colour = a.colour, s.newColour(i)
			a.setPhase(phaseRecolour, s.frames(1, 2.5))
		}
	}
	switch a.phase {
	case phaseShrink:
		a.scale = 1 - float64(a.phaseK+1)/float64(a.phaseLen+1)
	case phaseAbsent:
		a.scale = 0
	case phaseGrow:
		a.scale = float64(a.phaseK+1) / float64(a.phaseLen+1)
	default:
		a.scale = 1
	}
}

// newColour picks a colour for entity i that no entity of the same shape
// has or had, so colour and shape still single out one entity.
func (s *sim) newColour(i int) int {
	a := &s.agents[i]
	for _, c := range s.r.Perm(len(colours)) {
		ok := c != a.colour
		for j := range s.agents {
			o := &s.agents[j]
			if j != i && o.spec.shape == a.spec.shape && (o.colour == c || o.from == c || o.spec.colour == c) {
				ok = false
			}
		}
		if ok {
			return c
		}
	}
	return (a.colour + 1) % len(colours)
}

// freeSpot finds a place fully inside the frame, more than 3 pixels from
// every present entity of i's layer.
func (s *sim) freeSpot(i int, cx float64) (vec, bool) {
	a := &s.agents[i]
	b := a.spec.bound() + 2
	w, h := float64(s.cfg.Width), float64(s.cfg.Height)
	if w <= 2*b || h <= 2*b {
		return vec{}, false
	}
	for try := 0; try < 40; try++ {
		p := vec{uniform(s.r, cx+b, cx+w-b), uniform(s.r, b, h-b)}
		poly := place(s.b1, shapes[a.spec.shape].unit, p, a.spec.radius)
		free := true
		for j := range s.agents {
			o := &s.agents[j]
			if j != i && o.spec.layer == a.spec.layer && o.scale > 0 && gap(poly, s.poly(s.b2, j, o.pos)) <= 3 {
				free = false
				break
			}
		}
		if free {
			return p, true
		}
	}
	return vec{}, false
}

// updateMotion switches between moving and still when the current state
// runs out, and moves touching entities apart after their pause.
func (s *sim) updateMotion(i int, cx float64) {
	a := &s.agents[i]
	if (a.phase != phaseNormal && a.phase != phaseRecolour) || a.motionLeft > 0 {
		return
	}
	switch a.motion {
	case motionMoving:
		a.motion = motionStill
		if s.inView(i, cx) {
			a.motionLeft = s.frames(1.5, 4.5)
		} else {
			a.motionLeft = s.frames(0.3, 1)
		}
	case motionStill:
		a.vel = s.newVelocity(i, cx)
		a.motion, a.motionLeft = motionMoving, s.frames(2, 6)
	case motionContact:
		if v, ok := s.separate(i); ok {
			a.vel = v
			a.motion, a.motionLeft = motionMoving, s.frames(2, 5)
		} else {
			a.motionLeft = s.frames(0.5, 0.5)
		}
	}
}

// separate finds a velocity that takes agent i away from its partner
// without overlapping any entity of its layer in the next step.
func (s *sim) separate(i int) (vec, bool) {
	a := &s.agents[i]
	base := uniform(s.r, 0, 2*math.Pi)
	if a.partner >= 0 {
		p := s.agents[a.partner].pos
		base = math.Atan2(a.pos.y-p.y, a.pos.x-p.x)
	}
	for try := 0; try < 8; try++ {
		ang := base + uniform(s.r, -0.9, 0.9)
		v := s.speed()
		vel := vec{v * math.Cos(ang), v * math.Sin(ang)}
		next := s.poly(s.b1, i, vec{a.pos.x + vel.x/s.cfg.FPS, a.pos.y + vel.y/s.cfg.FPS})
		free := true
		for j := range s.agents {
			o := &s.agents[j]
			if j != i && o.spec.layer == a.spec.layer && o.scale > 0 && overlap(next, s.poly(s.b2, j, o.pos)) {
				free = false
				break
			}
		}
		if free {
			return vel, true
		}
	}
	return vec{}, false
}

// move advances agent i by one frame and reports whether it moved. A step
// that would overlap an entity of the same layer is cut at the contact
// point, found by bisection to 2^-20 of the step; both entities then pause
// in contact.
func (s *sim) move(i int) bool {
	a := &s.agents[i]
	if a.motion != motionMoving || (a.phase != phaseNormal && a.phase != phaseRecolour) {
		return false
	}
	n := vec{a.pos.x + a.vel.x/s.cfg.FPS, a.pos.y + a.vel.y/s.cfg.FPS}
	if n.x < s.lo.x {
		n.x, a.vel.x = 2*s.lo.x-n.x, -a.vel.x
	}
	if n.x > s.hi.x {
		n.x, a.vel.x = 2*s.hi.x-n.x, -a.vel.x
	}
	if n.y < s.lo.y {
		n.y, a.vel.y = 2*s.lo.y-n.y, -a.vel.y
	}
	if n.y > s.hi.y {
		n.y, a.vel.y = 2*s.hi.y-n.y, -a.vel.y
	}
	step := math.Hypot(n.x-a.pos.x, n.y-a.pos.y)
	best, partner := 1.0, -1
	for j := range s.agents {
		o := &s.agents[j]
		if j == i || o.spec.layer != a.spec.layer || o.scale <= 0 {
			continue
		}
		if math.Hypot(n.x-o.pos.x, n.y-o.pos.y) > a.spec.bound()+o.spec.bound()*o.scale+step+1 {
			continue
		}
		q := s.poly(s.b2, j, o.pos)
		if !overlap(s.poly(s.b1, i, n), q) || overlap(s.poly(s.b1, i, a.pos), q) {
			continue
		}
		lo, hi := 0.0, 1.0
		for range 20 {
			m := (lo + hi) / 2
			if overlap(s.poly(s.b1, i, vec{a.pos.x + m*(n.x-a.pos.x), a.pos.y + m*(n.y-a.pos.y)}), q) {
				hi = m
			} else {
				lo = m
			}
		}
		if lo < best {
			best, partner = lo, j
		}
	}
	if partner >= 0 {
		n = vec{a.pos.x + best*(n.x-a.pos.x), a.pos.y + best*(n.y-a.pos.y)}
		d := s.frames(1, 3)
		a.motion, a.motionLeft, a.partner = motionContact, d, partner
		if o := &s.agents[partner]; o.phase == phaseNormal || o.phase == phaseRecolour {
			o.motion, o.motionLeft, o.partner = motionContact, d, i
		}
	}
	moved := math.Hypot(n.x-a.pos.x, n.y-a.pos.y) > 1e-6
	a.pos = n
	return moved
}
