package nn

import "sync"

// eagerGrain is the number of float32 elements below which splitting work
// over goroutines costs more than it saves.
const eagerGrain = 1 << 14

// parallel runs fn over [0,n) split into contiguous chunks of at least grain
// items, at most one chunk per worker, the first on the calling goroutine.
// Callers make each output element depend on one index only, so results do
// not depend on the split.
func (e *Eager) parallel(n, grain int, fn func(lo, hi int)) {
	chunks := n / max(1, grain)
	chunks = min(chunks, e.workers)
	if chunks <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	wg.Add(chunks - 1)
	for c := 1; c < chunks; c++ {
		lo, hi := c*n/chunks, (c+1)*n/chunks
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/chunks)
	wg.Wait()
}

// eagerRowGrain returns the number of rows of the given length that make
// one chunk worth a goroutine.
func eagerRowGrain(rowLen int) int {
	return max(1, eagerGrain/max(1, rowLen))
}
