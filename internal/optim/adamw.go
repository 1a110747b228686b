package optim

import (
	"fmt"
	"math"
	"slices"
)

// Param is one trainable parameter seen by an optimiser: its values and the
// gradient of the loss with respect to them, flattened in the same
// (row-major) order. Name keys the optimiser state, so it must be stable
// across steps and unique within a step.
type Param struct {
	Name        string
	Value, Grad []float32
}

// AdamWConfig holds AdamW's hyperparameters (the learning rate is given to
// each Step, so that a schedule can drive it).
type AdamWConfig struct {
	Beta1, Beta2 float64 // decay rates of the first and second moments, in [0, 1)
	Eps          float64 // added to the denominator, >= 0
	WeightDecay  float64 // decoupled weight decay factor, >= 0
}

// DefaultAdamW returns PyTorch's torch.optim.AdamW defaults: Beta1 0.9,
// Beta2 0.999, Eps 1e-8, WeightDecay 0.01.
func DefaultAdamW() AdamWConfig {
	return AdamWConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}
}

func (c AdamWConfig) validate() error {
	switch {
	case !(c.Beta1 >= 0 && c.Beta1 < 1):
		return fmt.Errorf("optim: AdamW Beta1 %v not in [0, 1)", c.Beta1)
	case !(c.Beta2 >= 0 && c.Beta2 < 1):
		return fmt.Errorf("optim: AdamW Beta2 %v not in [0, 1)", c.Beta2)
	case !(c.Eps >= 0) || math.IsInf(c.Eps, 0):
		return fmt.Errorf("optim: AdamW Eps %v not finite and >= 0", c.Eps)
	case !(c.WeightDecay >= 0) || math.IsInf(c.WeightDecay, 0):
		return fmt.Errorf("optim: AdamW WeightDecay %v not finite and >= 0", c.WeightDecay)
	}
	return nil
}

// ParamState is AdamW's state for one parameter: how many steps it has
// taken and its first and second moment estimates (same length as the
// parameter).
type ParamState struct {
	Step             int
	ExpAvg, ExpAvgSq []float32
}

// AdamW is the Adam optimiser with decoupled weight decay (Loshchilov and
// Hutter), computed as torch.optim.AdamW does for float32 parameters
// (amsgrad off, no maximisation). It is not safe for concurrent use.
type AdamW struct {
	cfg   AdamWConfig
	state map[string]*ParamState
}

// NewAdamW returns an AdamW with no state. The configuration is checked by
// Step.
func NewAdamW(cfg AdamWConfig) *AdamW {
	return &AdamW{cfg: cfg, state: map[string]*ParamState{}}
}

// Step updates every parameter in place with learning rate lr. For each
// parameter p with gradient g, at its own step count t (starting at 1), in
// float32 with the roundings of PyTorch's CPU kernels (bit-identical to
// torch 1.13 on the golden test's problem):
//
//	p  = p * (1 - lr*WeightDecay)
//	m  = Beta1*m + (1-Beta1)*g
//	v  = Beta2*v + (1-Beta2)*g*g
//	p -= lr/(1-Beta1^t) * m / (sqrt(v)/sqrt(1-Beta2^t) + Eps)
//
// It fails, changing nothing, on an invalid configuration or lr, an empty or
// repeated name, a gradient whose length differs from its value's or from
// the state kept under that name, or a NaN or infinite gradient; the error
// names the parameter.
func (o *AdamW) Step(lr float64, params []Param) error {
	if err := o.cfg.validate(); err != nil {
		return err
	}
	if !(lr >= 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("optim: AdamW learning rate %v not finite and >= 0", lr)
	}
	seen := make(map[string]bool, len(params))
	for _, p := range params {
		if err := o.check(p, seen); err != nil {
			return err
		}
	}
	for _, p := range params {
		o.update(lr, p)
	}
	return nil
}

// check validates one parameter before any update.
func (o *AdamW) check(p Param, seen map[string]bool) error {
	switch {
	case p.Name == "":
		return fmt.Errorf("optim: AdamW: parameter with an empty name")
	case seen[p.Name]:
		return fmt.Errorf("optim: AdamW: parameter %q given twice", p.Name)
	case len(p.Grad) != len(p.Value):
		return fmt.Errorf("optim: AdamW: parameter %q has %d values and %d gradients", p.Name, len(p.Value), len(p.Grad))
	}
	seen[p.Name] = true
	if st, ok := o.state[p.Name]; ok && len(st.ExpAvg) != len(p.Value) {
		return fmt.Errorf("optim: AdamW: parameter %q has %d values, its state has %d", p.Name, len(p.Value), len(st.ExpAvg))
	}
	for i, g := range p.Grad {
		if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
			return fmt.Errorf("optim: AdamW: parameter %q: gradient %d is %v", p.Name, i, g)
		}
	}
	return nil
}

// update applies one AdamW step to a checked parameter.
func (o *AdamW) update(lr float64, p Param) {
	st, ok := o.state[p.Name]
	if !ok {
		st = &ParamState{ExpAvg: make([]float32, len(p.Value)), ExpAvgSq: make([]float32, len(p.Value))}
		o.state[p.Name] = st
	}
	st.Step++
	c := o.cfg
	t := float64(st.Step)
	decay := float32(1 - lr*c.WeightDecay)
	b1, nb1 := float32(c.Beta1), float32(1-c.Beta1)
	b2, nb2 := float32(c.Beta2), float32(1-c.Beta2)
	negStep := float32(-lr / (1 - math.Pow(c.Beta1, t)))
	bc2sqrt := float32(math.Sqrt(1 - math.Pow(c.Beta2, t)))
	eps := float32(c.Eps)
	m, v := st.ExpAvg, st.ExpAvgSq
	for i, g := range p.Grad {
		// PyTorch's CPU kernels fuse these multiply-adds; float64 holds
		// the products exactly, so the sums round once as a fused
		// multiply-add does.
		m[i] = float32(float64(nb1)*float64(g) + float64(m[i]*b1))
		v[i] = float32(float64(nb2*g)*float64(g) + float64(v[i]*b2))
		denom := float32(math.Sqrt(float64(v[i])))/bc2sqrt + eps
		p.Value[i] = p.Value[i]*decay + negStep*m[i]/denom
	}
}

// State returns a deep copy of the optimiser state, keyed by parameter
// name, for checkpointing (see also Save).
func (o *AdamW) State() map[string]ParamState {
	out := make(map[string]ParamState, len(o.state))
	for name, st := range o.state {
		out[name] = ParamState{Step: st.Step, ExpAvg: slices.Clone(st.ExpAvg), ExpAvgSq: slices.Clone(st.ExpAvgSq)}
	}
	return out
}

// Restore replaces the optimiser state with a deep copy of s (as returned
// by State), so that training resumes exactly. It fails, changing nothing,
// on a negative step count, moment slices of different lengths, a negative
// second moment or a non-finite value; the error names the parameter.
func (o *AdamW) Restore(s map[string]ParamState) error {
	state := make(map[string]*ParamState, len(s))
	for name, st := range s {
		if name == "" {
			return fmt.Errorf("optim: AdamW state: parameter with an empty name")
		}
		if st.Step < 0 || len(st.ExpAvg) != len(st.ExpAvgSq) {
			return fmt.Errorf("optim: AdamW state of %q: step %d, %d first and %d second moments", name, st.Step, len(st.ExpAvg), len(st.ExpAvgSq))
		}
		for i := range st.ExpAvg {
			m, v := float64(st.ExpAvg[i]), float64(st.ExpAvgSq[i])
			if math.IsNaN(m) || math.IsInf(m, 0) || !(v >= 0) || math.IsInf(v, 0) {
				return fmt.Errorf("optim: AdamW state of %q: element %d has moments %v, %v", name, i, m, v)
			}
		}
		state[name] = &ParamState{Step: st.Step, ExpAvg: slices.Clone(st.ExpAvg), ExpAvgSq: slices.Clone(st.ExpAvgSq)}
	}
	o.state = state
	return nil
}
