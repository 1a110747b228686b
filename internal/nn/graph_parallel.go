package nn

import (
	"fmt"
	"runtime"
	"sync"
)

// gParallelMin is the number of elements below which a kernel runs on the
// calling goroutine: smaller jobs cost more to split than to run.
const gParallelMin = 1 << 15

// gParallel runs fn over [0,n) (rows, usually), split into contiguous
// chunks over GOMAXPROCS goroutines when the job touches at least
// gParallelMin elements (elems). A panic in a chunk is returned as an error,
// never left to kill the process.
func gParallel(n, elems int, fn func(lo, hi int)) (err error) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 || elems < gParallelMin {
		fn(0, n)
		return nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		fail error
	)
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					if fail == nil {
						fail = fmt.Errorf("panic: %v", r)
					}
					mu.Unlock()
				}
			}()
			fn(lo, hi)
		}()
	}
	wg.Wait()
	return fail
}

// gParallel8 runs fn over [0,n) elements like gParallel, with every chunk
// boundary a multiple of 8, so that a kernel vectorised 8 lanes wide treats
// each element the same way (vector body or scalar tail) whatever the
// number of goroutines.
func gParallel8(n int, fn func(lo, hi int)) error {
	return gParallel((n+7)/8, n, func(lo, hi int) {
		fn(lo*8, min(hi*8, n))
	})
}
