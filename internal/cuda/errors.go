package cuda

import "errors"

// ErrNoCUDA is returned by every entry point of a build without the
// videodit_cuda build tag: Open, NumDevices and NewExec. Rebuild with -tags videodit_cuda (see
// docs/cuda.md) to use a GPU.
var ErrNoCUDA = errors.New("cuda: built without CUDA (rebuild with -tags videodit_cuda)")

// ErrNoDevice is returned (wrapped) by a cuda build that finds no usable
// device: no driver, no GPU, a device ordinal out of range, or a device older
// than compute capability 8.0.
var ErrNoDevice = errors.New("cuda: no usable CUDA device")
