package diffusion

import (
	"fmt"
	"math"
)

// Schedule names a noise schedule: a map from the normalised diffusion time
// tau in [0, 1] (0 clean, 1 pure noise) to the coefficients (alpha_tau,
// sigma_tau) of the forward process q(x_tau | x_0) = N(alpha_tau x_0,
// sigma_tau^2 I) (paper Eq. 7).
type Schedule string

// The schedules.
const (
	// Linear is the rectified-flow schedule of WAN, which the paper's
	// encoder follows: alpha = 1 - tau, sigma = tau.
	Linear Schedule = "linear"
	// Cosine is the variance-preserving cosine schedule:
	// alpha = cos(pi tau / 2), sigma = sin(pi tau / 2), so alpha^2 +
	// sigma^2 = 1.
	Cosine Schedule = "cosine"
)

// Coefficients returns (alpha_tau, sigma_tau) of the schedule at tau. It fails
// on an unknown schedule or a tau outside [0, 1] (NaN included).
func (s Schedule) Coefficients(tau float64) (alpha, sigma float64, err error) {
	if !(tau >= 0 && tau <= 1) {
		return 0, 0, fmt.Errorf("diffusion: schedule %q: tau %v outside [0, 1]", s, tau)
	}
	switch s {
	case Linear:
		return 1 - tau, tau, nil
	case Cosine:
		a, b := math.Cos(math.Pi*tau/2), math.Sin(math.Pi*tau/2)
		return a, b, nil
	}
	return 0, 0, fmt.Errorf("diffusion: unknown schedule %q (want %q or %q)", s, Linear, Cosine)
}

// Validate reports whether s names a known schedule.
func (s Schedule) Validate() error {
	_, _, err := s.Coefficients(0.5)
	return err
}

// Steps returns the S diffusion times of a trajectory from start down to end
// (start > end, both in (0, 1)), evenly spaced in tau:
// tau_i = start + (end - start) * i / (S - 1), i = 0..S-1, so the last one is
// exactly end. S = 1 gives [end]. It fails on S < 1 or times outside (0, 1)
// or start < end.
func Steps(s int, start, end float64) ([]float64, error) {
	switch {
	case s < 1:
		return nil, fmt.Errorf("diffusion: steps %d: want at least 1", s)
	case !(start > 0 && start < 1):
		return nil, fmt.Errorf("diffusion: start tau %v outside (0, 1)", start)
	case !(end > 0 && end < 1):
		return nil, fmt.Errorf("diffusion: end tau %v outside (0, 1)", end)
	case start < end:
		return nil, fmt.Errorf("diffusion: start tau %v below end tau %v", start, end)
	}
	if s == 1 {
		return []float64{end}, nil
	}
	out := make([]float64, s)
	for i := range out {
		out[i] = start + (end-start)*float64(i)/float64(s-1)
	}
	out[s-1] = end
	return out, nil
}
