//go:build videodit_cudaemu

package cuda

/*
#cgo CXXFLAGS: -std=c++20 -O1 -pthread
#cgo LDFLAGS: -pthread -lstdc++
#include <stdlib.h>
#include "emu_kernels.h"
*/
import "C"

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// emuDevice runs the executor on the CPU: the kernels of kernels/*.cu are
// compiled as C++ with emu/emu.h (emu_kernels.cc), device memory is C
// memory, and a launch runs the grid's blocks in turn with one thread per
// CUDA thread. It checks the kernels' logic (indexing, tiling, barriers,
// reductions) and the executor end to end without a GPU; it is far too
// slow for anything but small tensors, and it cannot run the TF32 kernel
// (tensor cores), whose launch fails. Test builds only
// (-tags videodit_cudaemu).
type emuDevice struct {
	pool *pool
}

// emuLaunch serialises launches: the emulation's block state (emu.h) is
// process-wide.
var emuLaunch sync.Mutex

var _ device = (*emuDevice)(nil)

func newEmuDevice() *emuDevice { return &emuDevice{pool: newPool(cMemory{}, 64<<20)} }

// cMemory is C heap memory standing in for device memory.
type cMemory struct{}

func (cMemory) allocBytes(n int64) (devPtr, error) {
	p := C.malloc(C.size_t(max(n, 1)))
	if p == nil {
		return 0, fmt.Errorf("malloc of %d bytes failed", n)
	}
	return devPtr(uintptr(p)), nil
}

func (cMemory) freeBytes(p devPtr) error {
	C.vd_emu_free(C.uintptr_t(p))
	return nil
}

func (d *emuDevice) alloc(bytes int64) (devPtr, error) { return d.pool.get(bytes) }
func (d *emuDevice) release(p devPtr) error            { return d.pool.put(p) }

func (d *emuDevice) upload(dst devPtr, src unsafe.Pointer, bytes int64) error {
	C.vd_emu_copy(C.uintptr_t(dst), C.uintptr_t(uintptr(src)), C.size_t(bytes))
	return nil
}

func (d *emuDevice) download(dst unsafe.Pointer, src devPtr, bytes int64) error {
	C.vd_emu_copy(C.uintptr_t(uintptr(dst)), C.uintptr_t(src), C.size_t(bytes))
	return nil
}

func (d *emuDevice) launch(k kernel, g geom, args ...any) error {
	slots := (*[64]C.uint64_t)(C.malloc(C.size_t(8 * 64)))
	defer C.free(unsafe.Pointer(slots))
	if len(args) > len(slots) {
		return fmt.Errorf("kernel %s: %d arguments", k, len(args))
	}
	for i, a := range args {
		switch x := a.(type) {
		case devPtr:
			slots[i] = C.uint64_t(x)
		case int32:
			slots[i] = C.uint64_t(uint32(x))
		case int64:
			slots[i] = C.uint64_t(x)
		case float32:
			slots[i] = C.uint64_t(math.Float32bits(x))
		default:
			return fmt.Errorf("kernel %s: argument %d of type %T", k, i, a)
		}
	}
	name := C.CString(string(k))
	defer C.free(unsafe.Pointer(name))
	emuLaunch.Lock()
	defer emuLaunch.Unlock()
	r := C.vd_emu_launch(name, C.int(g.grid[0]), C.int(g.grid[1]), C.int(g.grid[2]),
		C.int(g.block[0]), C.int(g.block[1]), C.int(g.block[2]), C.int(g.shared), &slots[0], C.int(len(args)))
	if r != 0 {
		return fmt.Errorf("emulated launch of %s (grid %v, block %v): code %d", k, g.grid, g.block, int(r))
	}
	return nil
}
