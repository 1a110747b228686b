package fusion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// TimeEncoder maps the T frame positions of a clip to continuous time
// embeddings e_time(t) (paper Eq. 11-12).
type TimeEncoder interface {
	// Embed returns e_time(t) for t = 0..T-1, shape (T, Dim), axis 0 the
	// frame. It fails on T < 1.
	Embed(T int) (*tensor.Dense, error)
	// Dim returns d_f, the width of e_time.
	Dim() int
}

// Taus returns the normalised time stamps tau_t = t/(T-1), t = 0..T-1 (the
// paper's 1-based (t-1)/(T-1)), so tau runs from 0 to 1. T = 1 gives
// [0]. It fails on T < 1.
func Taus(T int) ([]float64, error) {
	if T < 1 {
		return nil, fmt.Errorf("fusion: %d frames, want T >= 1", T)
	}
	taus := make([]float64, T)
	for t := 1; t < T; t++ {
		taus[t] = float64(t) / float64(T-1)
	}
	return taus, nil
}

// SinusoidalBase is omega's base of Eq. 11 (printed as "0000" in the paper,
// the usual 10000).
const SinusoidalBase = 10000

// Sinusoidal is the fixed time encoding of Eq. 11, the paper's default:
// e_time(t)[2k] = sin(tau_t / omega_k), e_time(t)[2k+1] = cos(tau_t /
// omega_k), omega_k = 10000^(2k/d_f). It has no parameters.
type Sinusoidal struct {
	d int
}

var _ TimeEncoder = (*Sinusoidal)(nil)

// NewSinusoidal returns the encoding of width d, which must be even and
// positive.
func NewSinusoidal(d int) (*Sinusoidal, error) {
	if d < 2 || d%2 != 0 {
		return nil, fmt.Errorf("fusion: sinusoidal time encoding width %d, want even and >= 2", d)
	}
	return &Sinusoidal{d: d}, nil
}

// Dim returns d_f.
func (s *Sinusoidal) Dim() int { return s.d }

// Embed returns the (T, d_f) encoding of Eq. 11.
func (s *Sinusoidal) Embed(T int) (*tensor.Dense, error) {
	taus, err := Taus(T)
	if err != nil {
		return nil, err
	}
	out := make([]float32, T*s.d)
	for t, tau := range taus {
		for k := range s.d / 2 {
			omega := math.Pow(SinusoidalBase, float64(2*k)/float64(s.d))
			out[t*s.d+2*k] = float32(math.Sin(tau / omega))
			out[t*s.d+2*k+1] = float32(math.Cos(tau / omega))
		}
	}
	return tensor.New(tensor.WithShape(T, s.d), tensor.WithBacking(out)), nil
}

// Forward returns the encoding as a constant of e, shape (T, d_f). It
// fails on T < 1.
func (s *Sinusoidal) Forward(e nn.Exec, T int) (nn.V, error) {
	d, err := s.Embed(T)
	if err != nil {
		return nil, err
	}
	return e.Const(d), nil
}

// LearnedTime is the learned time encoding of Eq. 12:
// e_time(t) = MLP_time([tau_t, tau_t^2]), here Linear(2, Hidden), SiLU,
// Linear(Hidden, d_f). It trains with the fusion projection.
type LearnedTime struct {
	In  nn.Linear `st:"in"`
	Out nn.Linear `st:"out"`
}

var _ TimeEncoder = (*LearnedTime)(nil)

// NewLearnedTime returns the MLP with hidden width hidden and output width
// d, initialised from rng like PyTorch's nn.Linear.
func NewLearnedTime(rng *rand.Rand, hidden, d int) (*LearnedTime, error) {
	if hidden < 1 || d < 1 {
		return nil, fmt.Errorf("fusion: learned time encoding hidden width %d and width %d, want >= 1", hidden, d)
	}
	return &LearnedTime{In: *nn.NewLinear(rng, 2, hidden, true), Out: *nn.NewLinear(rng, hidden, d, true)}, nil
}

// Dim returns d_f.
func (l *LearnedTime) Dim() int { return l.Out.W.Shape()[0] }

// Embed runs the MLP on the eager executor; the result is (T, d_f).
func (l *LearnedTime) Embed(T int) (*tensor.Dense, error) {
	e := nn.NewEager()
	v, err := l.Forward(e, T)
	if err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("fusion: learned time encoding: %w", err)
	}
	return e.Dense(v), nil
}

// Forward returns e_time for T frames on e, shape (T, d_f); the MLP's
// weights are parameters of e (trainable under the graph executor). It
// fails on T < 1.
func (l *LearnedTime) Forward(e nn.Exec, T int) (nn.V, error) {
	feats, err := timeFeatures(T)
	if err != nil {
		return nil, err
	}
	return l.Out.Forward(e, nn.SiLU(e, l.In.Forward(e, e.Const(feats)))), nil
}

// timeFeatures returns the (T, 2) inputs [tau_t, tau_t^2] of Eq. 12.
func timeFeatures(T int) (*tensor.Dense, error) {
	taus, err := Taus(T)
	if err != nil {
		return nil, err
	}
	data := make([]float32, 2*T)
	for t, tau := range taus {
		data[2*t], data[2*t+1] = float32(tau), float32(tau*tau)
	}
	return tensor.New(tensor.WithShape(T, 2), tensor.WithBacking(data)), nil
}
