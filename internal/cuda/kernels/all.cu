// all.cu: the one translation unit that gen-ptx.sh compiles into
// ../ptx/kernels_sm80.ptx and ../ptx/kernels_sm90.ptx; the executor loads
// the one that fits the device as one module.
#include "elementwise.cu"
#include "reduce.cu"
#include "norm.cu"
#include "copy.cu"
#include "gemm.cu"
#include "attention.cu"
