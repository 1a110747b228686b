package cuda

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeMemory is an allocator with a capacity, handing out increasing
// addresses.
type fakeMemory struct {
	capacity, used int64
	next           devPtr
	sizes          map[devPtr]int64
	frees          int
}

var errFakeOOM = errors.New("out of memory")

func newFakeMemory(capacity int64) *fakeMemory {
	return &fakeMemory{capacity: capacity, next: 0x1000, sizes: map[devPtr]int64{}}
}

func (m *fakeMemory) allocBytes(n int64) (devPtr, error) {
	if m.used+n > m.capacity {
		return 0, errFakeOOM
	}
	p := m.next
	m.next += devPtr(n)
	m.used += n
	m.sizes[p] = n
	return p, nil
}

func (m *fakeMemory) freeBytes(p devPtr) error {
	n, ok := m.sizes[p]
	if !ok {
		return errors.New("double free")
	}
	delete(m.sizes, p)
	m.used -= n
	m.frees++
	return nil
}

func TestSizeClass(t *testing.T) {
	for _, c := range []struct{ n, want int64 }{
		{0, 256}, {1, 256}, {256, 256}, {257, 320}, {512, 512}, {513, 640}, {1000, 1024},
		{1 << 20, 1 << 20}, {1<<20 + 1, 1<<20 + 1<<18}, {3 << 20, 3 << 20},
	} {
		if got := sizeClass(c.n); got != c.want {
			t.Errorf("sizeClass(%d) = %d, want %d", c.n, got, c.want)
		}
		if got := sizeClass(c.n); got < c.n || (c.n > minClass && float64(got) > 1.25*float64(c.n)+1) {
			t.Errorf("sizeClass(%d) = %d wastes more than 25%%", c.n, got)
		}
	}
}

func TestPoolReuse(t *testing.T) {
	m := newFakeMemory(1 << 20)
	p := newPool(m, 1<<20)
	a, err := p.get(1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.put(a); err != nil {
		t.Fatal(err)
	}
	b, err := p.get(900) // same class (1024)
	if err != nil {
		t.Fatal(err)
	}
	if b != a {
		t.Errorf("second get returned %#x, want the cached %#x", b, a)
	}
	c, err := p.get(100)
	if err != nil {
		t.Fatal(err)
	}
	want := PoolStats{Live: 1024 + 256, Cached: 0, Allocs: 2, Reuses: 1}
	if diff := cmp.Diff(want, p.snapshot()); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	for _, x := range []devPtr{b, c} {
		if err := p.put(x); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.put(c); err == nil {
		t.Errorf("returning %#x twice gave no error", c)
	}
	if err := p.put(0xdead); err == nil {
		t.Errorf("returning an unknown address gave no error")
	}
	if err := p.trim(); err != nil {
		t.Fatal(err)
	}
	want = PoolStats{Live: 0, Cached: 0, Allocs: 2, Reuses: 1}
	if diff := cmp.Diff(want, p.snapshot()); diff != "" {
		t.Errorf("stats after trim (-want +got):\n%s", diff)
	}
	if m.used != 0 {
		t.Errorf("device still holds %d bytes after trim", m.used)
	}
}

func TestPoolCacheLimit(t *testing.T) {
	m := newFakeMemory(1 << 20)
	p := newPool(m, 1024)
	var ps []devPtr
	for range 3 {
		x, err := p.get(1024)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, x)
	}
	for _, x := range ps {
		if err := p.put(x); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.snapshot().Cached; got != 1024 {
		t.Errorf("cached %d bytes, want the limit 1024", got)
	}
	if m.frees != 2 {
		t.Errorf("%d buffers freed to the device, want 2", m.frees)
	}
}

func TestPoolOutOfMemoryTrims(t *testing.T) {
	m := newFakeMemory(4096)
	p := newPool(m, 1<<20)
	small, err := p.get(2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.put(small); err != nil {
		t.Fatal(err)
	}
	// 3072 bytes do not fit beside the cached 2048: the pool must empty its
	// cache and retry.
	big, err := p.get(3072)
	if err != nil {
		t.Fatalf("get after trimming: %v", err)
	}
	if big == 0 || p.snapshot().Cached != 0 {
		t.Errorf("got %#x with %d bytes cached, want an allocation and an empty cache", big, p.snapshot().Cached)
	}
	if _, err := p.get(4096); !errors.Is(err, errFakeOOM) {
		t.Errorf("get beyond capacity: error %v, want one wrapping %v", err, errFakeOOM)
	}
	if _, err := p.get(-1); err == nil {
		t.Errorf("get of -1 bytes gave no error")
	}
}
