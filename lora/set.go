package lora

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/optim"
)

// Set is the adapters attached to one model: one Adapter per targeted
// nn.Linear, in checkpoint order.
type Set struct {
	config   Config
	base     string
	adapters []*Adapter
	state    state
}

type state int

const (
	attached state = iota // adapters add their Delta in Forward
	merged                // folded into the base weights
	detached              // removed; the model is the base again
)

func (s state) String() string {
	return [...]string{"attached (unmerged)", "merged", "detached"}[s]
}

// Attach adds a fresh adapter to every nn.Linear of model (a non-nil
// pointer to a struct with st tags, see checkpoint.Walk) whose checkpoint
// name matches one of c's targets: A of shape (r, in) drawn by rng from
// U(-1/sqrt(in), 1/sqrt(in)) (Kaiming-uniform with a = sqrt(5), as PEFT),
// B of shape (out, r) zero, so the model's outputs are unchanged until B
// is trained. It records the base model's identity (Identity) for Save.
//
// Errors wrap ErrConfig (a bad config), ErrTarget (no linear matches, or a
// matched linear already has an adapter) and name the target.
func Attach(ctx context.Context, model any, c Config, rng *rand.Rand) (*Set, error) {
	base, err := Identity(ctx, model)
	if err != nil {
		return nil, err
	}
	return attach(model, c, base, func(name string, l *nn.Linear) (a, b *tensor.Dense, err error) {
		w := l.W.Shape()
		a = tensor.New(tensor.WithShape(c.Rank, w[1]), tensor.Of(tensor.Float32))
		if err := optim.KaimingUniform(a, rng, math.Sqrt(5)); err != nil {
			return nil, nil, fmt.Errorf("target %q: %w", name, err)
		}
		return a, tensor.New(tensor.WithShape(w[0], c.Rank), tensor.Of(tensor.Float32)), nil
	})
}

// attach is Attach with the base identity given and the adapter tensors
// made by newAB for each target.
func attach(model any, c Config, base string, newAB func(name string, l *nn.Linear) (a, b *tensor.Dense, err error)) (*Set, error) {
	res, err := c.compile()
	if err != nil {
		return nil, fmt.Errorf("lora: %w", err)
	}
	targets, err := targetsOf(model, res)
	if err != nil {
		return nil, fmt.Errorf("lora: %w", err)
	}
	s := &Set{config: c, base: base}
	s.config.Targets = append([]string(nil), c.Targets...)
	for _, t := range targets {
		a, b, err := newAB(t.name, t.linear)
		if err != nil {
			return nil, fmt.Errorf("lora: %w", err)
		}
		s.adapters = append(s.adapters, &Adapter{Name: t.name, A: a, B: b, scale: float32(c.Scale()), linear: t.linear})
	}
	for _, a := range s.adapters {
		a.linear.Adapter = a
	}
	return s, nil
}

// target is a linear chosen for an adapter.
type target struct {
	name   string
	linear *nn.Linear
}

// targetsOf returns the linears of model whose checkpoint name matches one
// of res, in checkpoint order.
func targetsOf(model any, res []*regexp.Regexp) ([]target, error) {
	linears := map[**tensor.Dense]*nn.Linear{}
	findLinears(reflect.ValueOf(model), linears, map[uintptr]bool{})
	var out []target
	err := checkpoint.Walk(model, func(name string, p **tensor.Dense) error {
		l, ok := linears[p]
		if !ok || !strings.HasSuffix(name, ".weight") {
			return nil
		}
		name = strings.TrimSuffix(name, ".weight")
		for _, re := range res {
			if !re.MatchString(name) {
				continue
			}
			switch w := l.W; {
			case l.Adapter != nil:
				return fmt.Errorf("target %q: %w: it already has an adapter", name, ErrTarget)
			case w == nil || len(w.Shape()) != 2 || w.Dtype() != tensor.Float32:
				return fmt.Errorf("target %q: %w: weight is not a float32 (out, in) tensor", name, ErrTarget)
			}
			out = append(out, target{name, l})
			break
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no linear of the model matches the targets", ErrTarget)
	}
	return out, nil
}

var linearType = reflect.TypeFor[nn.Linear]()

// findLinears records every addressable nn.Linear reachable from v through
// exported fields, pointers, slices and arrays, keyed by the address of
// its W field (which checkpoint.Walk hands out).
func findLinears(v reflect.Value, out map[**tensor.Dense]*nn.Linear, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		findLinears(v.Elem(), out, seen)
	case reflect.Struct:
		if v.Type() == linearType && v.CanAddr() {
			l := v.Addr().Interface().(*nn.Linear)
			out[&l.W] = l
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				findLinears(v.Field(i), out, seen)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			findLinears(v.Index(i), out, seen)
		}
	}
}

// Config returns the configuration the adapters were made with.
func (s *Set) Config() Config {
	c := s.config
	c.Targets = append([]string(nil), c.Targets...)
	return c
}

// Base returns the identity of the base model the adapters were attached
// to (Identity, computed before attaching).
func (s *Set) Base() string { return s.base }

// Adapters returns the adapters in checkpoint order. Their A and B tensors
// may be updated in place by an optimiser while the set is attached.
func (s *Set) Adapters() []*Adapter { return append([]*Adapter(nil), s.adapters...) }

// Params returns the trainable tensors: A then B of every adapter, in
// checkpoint order. With the base model frozen ((*nn.Graph).Freeze), they
// are the only parameters of the graph that receive gradients.
func (s *Set) Params() []*tensor.Dense {
	out := make([]*tensor.Dense, 0, 2*len(s.adapters))
	for _, a := range s.adapters {
		out = append(out, a.A, a.B)
	}
	return out
}

// Merge folds every adapter into its linear: W = W0 + (alpha/r) B A (in
// place), and removes the adapters from the linears' forward pass, so
// inference costs what the base model costs. Outputs are unchanged within
// float32 rounding. It is an error (ErrMerged) unless the set is attached
// and unmerged. Do not train while merged.
func (s *Set) Merge() error {
	if s.state != attached {
		return fmt.Errorf("lora: Merge: %w: the set is %v", ErrMerged, s.state)
	}
	for _, a := range s.adapters {
		a.merge(1)
	}
	s.state = merged
	return nil
}

// Unmerge undoes Merge: W = W - (alpha/r) B A, which restores W0 within
// float32 rounding, and attaches the adapters again. It is an error
// (ErrMerged) unless the set is merged.
func (s *Set) Unmerge() error {
	if s.state != merged {
		return fmt.Errorf("lora: Unmerge: %w: the set is %v", ErrMerged, s.state)
	}
	for _, a := range s.adapters {
		a.merge(-1)
	}
	s.state = attached
	return nil
}

// Detach removes the adapters from the model (unmerging them first if they
// are merged), leaving the base model. The set can still be saved.
func (s *Set) Detach() {
	if s.state == merged {
		for _, a := range s.adapters {
			a.merge(-1)
		}
	}
	for _, a := range s.adapters {
		a.linear.Adapter = nil
	}
	s.state = detached
}
