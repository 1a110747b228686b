//go:build videodit_cuda

package cuda

/*
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <cuda.h>

// vd_init_result is what the driver's cuInit returned; -1 before any call.
static int vd_init_result = -1;

// cuInit stands in for the driver's: gorgonia.org/cu calls cuInit in its
// package init and calls os.Exit(1) when it fails (no driver, no GPU, the
// stub library), which would end a cuda build of a host program before
// main. Defined in the executable, this definition is the one cu's call
// binds to at link time; it calls the driver's (the next cuInit in the
// lookup order), records the result for initResult and reports success to
// cu. Open checks the recorded result before any other driver call.
CUresult CUDAAPI cuInit(unsigned int flags) {
	CUresult (*real)(unsigned int) = (CUresult (*)(unsigned int))dlsym(RTLD_NEXT, "cuInit");
	if (real == NULL) {
		vd_init_result = CUDA_ERROR_NOT_INITIALIZED;
		return CUDA_SUCCESS;
	}
	vd_init_result = real(flags);
	return CUDA_SUCCESS;
}

static int vd_cuinit_result(void) { return vd_init_result; }

// vd_error_name names a driver result; the stub library cannot, so the
// results of a failed cuInit are named here.
static const char* vd_error_name(int r) {
	switch (r) {
	case CUDA_ERROR_STUB_LIBRARY: return "CUDA_ERROR_STUB_LIBRARY (the stub libcuda, not a driver)";
	case CUDA_ERROR_NO_DEVICE: return "CUDA_ERROR_NO_DEVICE";
	case CUDA_ERROR_NOT_INITIALIZED: return "CUDA_ERROR_NOT_INITIALIZED";
	}
	const char* s = NULL;
	if (cuGetErrorName((CUresult)r, &s) != CUDA_SUCCESS || s == NULL) return "unknown CUDA error";
	return s;
}
*/
import "C"

import "fmt"

// initResult returns nil when the driver initialised (cuInit succeeded in
// cu's package init), else an error wrapping ErrNoDevice that names the
// driver's result.
func initResult() error {
	r := int(C.vd_cuinit_result())
	switch r {
	case 0:
		return nil
	case -1:
		return fmt.Errorf("%w: cuInit was never called", ErrNoDevice)
	}
	return fmt.Errorf("%w: cuInit: %s (%d)", ErrNoDevice, C.GoString(C.vd_error_name(C.int(r))), r)
}
