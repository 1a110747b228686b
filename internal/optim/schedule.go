package optim

import "math"

// PaperWarmupFraction is the share of training steps spent warming up the
// learning rate in the paper's recipe (5%).
const PaperWarmupFraction = 0.05

// Cosine returns the learning rate at step (counted from 0) of a training
// run of total steps: a linear warm-up from 0 to peak over the first warmup
// steps, then a half cosine from peak down to floor at step total, and floor
// after that. Exactly (step < 0 counts as 0; the first matching line
// applies, so a warmup longer than total ends the run mid-warm-up):
//
//	step < warmup:          peak * step / warmup
//	warmup <= step < total: floor + (peak-floor) * (1 + cos(pi * (step-warmup) / (total-warmup))) / 2
//	step >= total:          floor
//
// With floor 0 this is Hugging Face's get_cosine_schedule_with_warmup (one
// cycle). For the paper's recipe, warmup = ceil(PaperWarmupFraction * total).
func Cosine(step, total, warmup int, peak, floor float64) float64 {
	step = max(step, 0)
	switch {
	case step < warmup:
		return peak * float64(step) / float64(warmup)
	case step >= total:
		return floor
	}
	progress := float64(step-warmup) / float64(total-warmup)
	return floor + (peak-floor)*0.5*(1+math.Cos(math.Pi*progress))
}
