// Package cuda holds the CUDA executor of the project's networks: an
// nn.Exec (with the fused abilities Softmaxer, LayerNormer, RMSNormer,
// Activator and Attender) over float32 buffers in device memory, running
// CUDA C kernels (kernels/*.cu) through the driver API of
// gorgonia.org/cu.
//
// # Build tag
//
// The device code is compiled only with the videodit_cuda build tag, the
// only files that import gorgonia.org/cu. (Not the tag cuda:
// gorgonia.org/gorgonia has files tagged cuda that need cuDNN and a
// regenerated source tree.) Without the tag the package has the same
// exported API and Open, NumDevices and NewExec return ErrNoCUDA, so a CPU
// program never links cu, whose package init calls os.Exit(1) when no
// driver initialises. A videodit_cuda build stands in for the driver's
// cuInit (cuinit_cuda.go) so that, without a GPU, cu's init lets the
// program start and Open returns an error wrapping ErrNoDevice; the
// program still needs the driver's libcuda.so.1 to load. docs/cuda.md says
// what a build needs and how the scripts check it.
//
// # Pieces
//
//   - Device (device_cuda.go): the primary context of one GPU, a
//     non-blocking stream on which every copy and kernel runs in order, the
//     kernel module JIT-loaded from the embedded PTX for sm_80 or sm_90
//     (ptx.go, made by kernels/gen-ptx.sh through go generate), and a pool
//     of device memory by size class (pool.go). Every launch is checked;
//     CheckEachLaunch also waits for each kernel.
//   - Exec (exec*.go): values are (shape, device address); operations
//     validate shapes on the host like the eager executor, record the first
//     error (sticky, as nn.Exec demands), plan broadcasting and permutations
//     (plan.go), pick launch geometry (geometry.go) and enqueue a kernel.
//     Read waits for the stream and copies a value back. Reshape and
//     outer-axis Slice share memory; Param uploads each tensor once per
//     Exec.
//   - Kernels: element-wise with broadcasting, activations, reductions
//     (double accumulation), softmax, layer and RMS norm, permutation and
//     strided copies, row gathers, a tiled float32 GEMM and a TF32 tensor
//     core GEMM (WithTF32), and a fused attention kernel with an additive
//     bias ((Lq,Lk) or (B,Lq,Lk); causal and block-local masks are -Inf
//     biases, whose keys it skips).
//
// # Without a GPU
//
// The plain tests check the host side (pool, geometry, plans, PTX, the
// launches of every operation on a fake device). With the
// videodit_cudaemu tag, emu_device.go compiles the kernels as C++ with
// emu/emu.h (one thread per CUDA thread, barriers for __syncthreads, warp
// shuffles through a buffer) and the conformance suite of package nn runs
// on the executor with those kernels (all but the TF32 GEMM, which needs
// tensor cores).
//
// Tensor shapes follow nn.Exec: MatMul (m,k)x(k,n) or (B,m,k)x(B,k,n);
// Attention q (B,Lq,dh), k (B,Lk,dh), v (B,Lk,dv) -> (B,Lq,dv); the norms
// and Softmax act on the last axis.
package cuda
