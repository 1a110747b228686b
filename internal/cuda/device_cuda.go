//go:build videodit_cuda

package cuda

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"

	"gorgonia.org/cu"
)

// Device is an open CUDA device: its primary context, one non-blocking
// stream on which every copy and kernel of its executors runs in order,
// the kernel module loaded from the embedded PTX, and a pool of device
// memory. Safe for concurrent use; Close it when done.
type Device struct {
	mu           sync.Mutex
	closed       bool
	checkEach    bool
	ordinal      int
	dev          cu.Device
	ctx          cu.CUContext
	stream       cu.Stream
	mod          cu.Module
	fns          map[kernel]cu.Function
	pool         *pool
	name         string
	major, minor int
	target       string
}

// NumDevices returns the number of CUDA devices, or an error wrapping
// ErrNoDevice when the driver did not initialise.
func NumDevices() (int, error) {
	if err := initResult(); err != nil {
		return 0, err
	}
	n, err := cu.NumDevices()
	if err != nil {
		return 0, fmt.Errorf("%w: cuDeviceGetCount: %v", ErrNoDevice, err)
	}
	return n, nil
}

// Open opens device ordinal (0 for the first): it retains the primary
// context, makes a stream and loads the kernels' PTX for the device's
// compute capability (8.0 or later). Without a driver or device, or with
// an ordinal out of range, the error wraps ErrNoDevice.
func Open(ordinal int) (*Device, error) {
	n, err := NumDevices()
	if err != nil {
		return nil, err
	}
	if ordinal < 0 || ordinal >= n {
		return nil, fmt.Errorf("%w: device %d requested, %d present", ErrNoDevice, ordinal, n)
	}
	dev, err := cu.GetDevice(ordinal)
	if err != nil {
		return nil, fmt.Errorf("cuda: device %d: %w", ordinal, err)
	}
	d := &Device{ordinal: ordinal, dev: dev, fns: map[kernel]cu.Function{}}
	if d.major, err = dev.Attribute(cu.ComputeCapabilityMajor); err != nil {
		return nil, fmt.Errorf("cuda: device %d: compute capability: %w", ordinal, err)
	}
	if d.minor, err = dev.Attribute(cu.ComputeCapabilityMinor); err != nil {
		return nil, fmt.Errorf("cuda: device %d: compute capability: %w", ordinal, err)
	}
	if d.name, err = dev.Name(); err != nil {
		return nil, fmt.Errorf("cuda: device %d: name: %w", ordinal, err)
	}
	src, err := ptxFor(d.major, d.minor)
	if err != nil {
		return nil, fmt.Errorf("cuda: device %d (%s): %w", ordinal, d.name, err)
	}
	d.target = ptxTarget(src)
	total, err := dev.TotalMem()
	if err != nil {
		return nil, fmt.Errorf("cuda: device %d: memory: %w", ordinal, err)
	}
	if d.ctx, err = dev.RetainPrimaryCtx(); err != nil {
		return nil, fmt.Errorf("cuda: device %d: primary context: %w", ordinal, err)
	}
	err = d.do(func() error {
		var err error
		if d.stream, err = cu.MakeStream(cu.NonBlocking); err != nil {
			return fmt.Errorf("stream: %w", err)
		}
		if d.mod, err = cu.LoadData(src); err != nil {
			return fmt.Errorf("loading the %s PTX: %w", d.target, err)
		}
		for _, k := range allKernels {
			fn, err := d.mod.Function(string(k))
			if err != nil {
				return fmt.Errorf("kernel %s: %w", k, err)
			}
			d.fns[k] = fn
		}
		return nil
	})
	if err != nil {
		d.teardown()
		return nil, fmt.Errorf("cuda: device %d (%s): %w", ordinal, d.name, err)
	}
	// Keep at most a quarter of the device's memory cached.
	d.pool = newPool(driverMemory{d}, total/4)
	return d, nil
}

// do runs f with d's context current on a locked OS thread (the driver's
// current context is per thread; goroutines move between threads).
func (d *Device) do(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cu.SetCurrentContext(d.ctx); err != nil {
		return fmt.Errorf("setting the context: %w", err)
	}
	return f()
}

// Name returns the device's name, for example "NVIDIA H100 80GB HBM3".
func (d *Device) Name() string { return d.name }

// String describes the device: name, ordinal, compute capability and the
// PTX target loaded.
func (d *Device) String() string {
	return fmt.Sprintf("%s (device %d, compute capability %d.%d, PTX %s)", d.name, d.ordinal, d.major, d.minor, d.target)
}

// PoolStats returns the counters of the device memory pool.
func (d *Device) PoolStats() PoolStats { return d.pool.snapshot() }

// Trim frees the device memory cached by the pool.
func (d *Device) Trim() error { return d.pool.trim() }

// CheckEachLaunch makes every kernel launch wait for the kernel and check
// its result, so that a fault names its kernel (slow; for debugging). By
// default launches are checked when enqueued, and faults surface at the
// next Read.
func (d *Device) CheckEachLaunch(on bool) {
	d.mu.Lock()
	d.checkEach = on
	d.mu.Unlock()
}

// Close waits for the device's work, frees the pool's cached memory,
// unloads the kernels and releases the context. Buffers still held by an
// Exec are freed with the context.
func (d *Device) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return errors.New("cuda: Close of a closed Device")
	}
	d.closed = true
	d.mu.Unlock()
	err := d.do(func() error { return d.stream.Synchronize() })
	if terr := d.pool.trim(); err == nil {
		err = terr
	}
	if rerr := d.teardown(); err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("cuda: closing device %d: %w", d.ordinal, err)
	}
	return nil
}

// teardown unloads the module, destroys the stream and releases the
// primary context, as far as they were made.
func (d *Device) teardown() error {
	var errs []error
	errs = append(errs, d.do(func() error {
		var errs []error
		if d.mod != (cu.Module{}) {
			errs = append(errs, d.mod.Unload())
		}
		if d.stream != (cu.Stream{}) {
			errs = append(errs, d.stream.Destroy())
		}
		return errors.Join(errs...)
	}))
	errs = append(errs, d.dev.ReleasePrimaryCtx())
	return errors.Join(errs...)
}

// backend returns d as the executor's device.
func (d *Device) backend() (device, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, errors.New("cuda: NewExec on a closed Device")
	}
	return d, nil
}

// driverMemory is the pool's allocator: cuMemAlloc and cuMemFree.
type driverMemory struct{ d *Device }

func (m driverMemory) allocBytes(n int64) (devPtr, error) {
	var p cu.DevicePtr
	err := m.d.do(func() error {
		var err error
		p, err = cu.MemAlloc(n)
		return err
	})
	return devPtr(p), err
}

func (m driverMemory) freeBytes(p devPtr) error {
	return m.d.do(func() error { return cu.MemFree(cu.DevicePtr(p)) })
}

func (d *Device) alloc(bytes int64) (devPtr, error) { return d.pool.get(bytes) }

func (d *Device) release(p devPtr) error { return d.pool.put(p) }

func (d *Device) upload(dst devPtr, src unsafe.Pointer, bytes int64) error {
	return d.do(func() error { return cu.MemcpyHtoDAsync(cu.DevicePtr(dst), src, bytes, d.stream) })
}

// download copies to the host and waits for the stream, so it also
// reports faults of earlier kernels.
func (d *Device) download(dst unsafe.Pointer, src devPtr, bytes int64) error {
	return d.do(func() error {
		if err := cu.MemcpyDtoHAsync(dst, cu.DevicePtr(src), bytes, d.stream); err != nil {
			return err
		}
		return d.stream.Synchronize()
	})
}

// launch enqueues kernel k on the stream and checks the launch (and, with
// CheckEachLaunch, its completion). Each argument takes an 8-byte slot,
// as cu.Function.Launch copies 8 bytes per parameter; 4-byte kernel
// parameters read the low half (little-endian).
func (d *Device) launch(k kernel, g geom, args ...any) error {
	fn, ok := d.fns[k]
	if !ok {
		return fmt.Errorf("kernel %s not loaded", k)
	}
	slots := make([]uint64, len(args))
	params := make([]unsafe.Pointer, len(args))
	for i, a := range args {
		switch x := a.(type) {
		case devPtr:
			slots[i] = uint64(x)
		case int32:
			slots[i] = uint64(uint32(x))
		case int64:
			slots[i] = uint64(x)
		case float32:
			slots[i] = uint64(math.Float32bits(x))
		default:
			return fmt.Errorf("kernel %s: argument %d of type %T", k, i, a)
		}
		params[i] = unsafe.Pointer(&slots[i])
	}
	d.mu.Lock()
	check := d.checkEach
	d.mu.Unlock()
	return d.do(func() error {
		err := fn.Launch(g.grid[0], g.grid[1], g.grid[2], g.block[0], g.block[1], g.block[2], g.shared, d.stream, params)
		if err != nil {
			return fmt.Errorf("launch (grid %v, block %v, %d B shared): %w", g.grid, g.block, g.shared, err)
		}
		if check {
			if err := d.stream.Synchronize(); err != nil {
				return fmt.Errorf("after launch: %w", err)
			}
		}
		return nil
	})
}
