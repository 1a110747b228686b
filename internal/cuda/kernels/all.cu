// all.cu: the one translation unit that gen-ptx.sh compiles into
// ../ptx/kernels_sm80.ptx and ../ptx/kernels_sm90.ptx; the executor loads
// the one that fits the device as one module. peak.cu holds the
// benchmarks' peak-measuring kernels.
#include "elementwise.cu"
#include "reduce.cu"
#include "norm.cu"
#include "copy.cu"
#include "gemm.cu"
#include "attention.cu"
#include "peak.cu"
