// Package cuda holds the CUDA executor: device memory, streams, kernels and
// launches through gorgonia.org/cu. The real implementation is compiled only
// with the cuda build tag; without it every entry point returns an error
// saying the SDK was built without CUDA.
package cuda
