package cuda

import (
	"fmt"
	"math/bits"
	"sync"
)

// devPtr is a device address (a CUdeviceptr); 0 is no allocation.
type devPtr uintptr

// allocator is raw device memory: cuMemAlloc and cuMemFree on a real
// device, a counter in tests.
type allocator interface {
	allocBytes(n int64) (devPtr, error)
	freeBytes(p devPtr) error
}

// PoolStats counts the device memory of a Device's pool, in bytes and
// calls.
type PoolStats struct {
	// Live is the bytes handed out and not yet returned; Cached the bytes
	// returned and kept for reuse.
	Live, Cached int64
	// Allocs counts allocations from the device; Reuses counts requests
	// served from the cache.
	Allocs, Reuses int64
}

// pool recycles device allocations by size class, so that an executor's
// many short-lived buffers do not each pay for cuMemAlloc and cuMemFree
// (both synchronise the device). Requests round up to a size class (a power
// of two with quarter steps, at least minClass bytes: at most 25% waste),
// returned buffers wait in a free list per class, and when the device runs
// out of memory the cache is emptied and the allocation tried once more.
// Cached bytes above maxCached are freed at once. Safe for concurrent use.
type pool struct {
	mu        sync.Mutex
	a         allocator
	maxCached int64
	free      map[int64][]devPtr
	class     map[devPtr]int64
	stats     PoolStats
}

// minClass is the smallest size class in bytes (the driver aligns
// allocations to 256 bytes anyway).
const minClass = 256

func newPool(a allocator, maxCached int64) *pool {
	return &pool{a: a, maxCached: maxCached, free: map[int64][]devPtr{}, class: map[devPtr]int64{}}
}

// sizeClass returns the class of a request of n bytes: n rounded up to a
// multiple of a quarter of the largest power of two not above it.
func sizeClass(n int64) int64 {
	if n <= minClass {
		return minClass
	}
	top := int64(1) << (63 - bits.LeadingZeros64(uint64(n)))
	step := top / 4
	return (n + step - 1) / step * step
}

// get returns an allocation of at least n bytes.
func (p *pool) get(n int64) (devPtr, error) {
	if n < 0 {
		return 0, fmt.Errorf("cuda: allocation of %d bytes", n)
	}
	c := sizeClass(n)
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.free[c]; len(l) > 0 {
		ptr := l[len(l)-1]
		p.free[c] = l[:len(l)-1]
		p.stats.Cached -= c
		p.stats.Live += c
		p.stats.Reuses++
		p.class[ptr] = c
		return ptr, nil
	}
	ptr, err := p.a.allocBytes(c)
	if err != nil {
		// Out of memory, perhaps only because of the cache: empty it and
		// try once more.
		if p.stats.Cached == 0 {
			return 0, fmt.Errorf("cuda: allocating %d bytes: %w", c, err)
		}
		if terr := p.trimLocked(); terr != nil {
			return 0, fmt.Errorf("cuda: allocating %d bytes: %w (emptying the cache: %v)", c, err, terr)
		}
		if ptr, err = p.a.allocBytes(c); err != nil {
			return 0, fmt.Errorf("cuda: allocating %d bytes after emptying the cache: %w", c, err)
		}
	}
	p.stats.Allocs++
	p.stats.Live += c
	p.class[ptr] = c
	return ptr, nil
}

// put returns an allocation made by get to the cache.
func (p *pool) put(ptr devPtr) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.class[ptr]
	if !ok {
		return fmt.Errorf("cuda: returning %#x, which the pool did not hand out (or was returned twice)", uintptr(ptr))
	}
	delete(p.class, ptr)
	p.stats.Live -= c
	if p.stats.Cached+c > p.maxCached {
		if err := p.a.freeBytes(ptr); err != nil {
			return fmt.Errorf("cuda: freeing %d bytes: %w", c, err)
		}
		return nil
	}
	p.free[c] = append(p.free[c], ptr)
	p.stats.Cached += c
	return nil
}

// trim frees every cached allocation.
func (p *pool) trim() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.trimLocked()
}

func (p *pool) trimLocked() error {
	var first error
	for c, l := range p.free {
		for _, ptr := range l {
			if err := p.a.freeBytes(ptr); err != nil && first == nil {
				first = fmt.Errorf("cuda: freeing %d bytes: %w", c, err)
			}
			p.stats.Cached -= c
		}
		delete(p.free, c)
	}
	return first
}

// snapshot returns the counters.
func (p *pool) snapshot() PoolStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}
