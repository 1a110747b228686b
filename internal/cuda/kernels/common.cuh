// common.cuh: operation codes shared with the Go side (kernels.go) and the
// block reductions of the row kernels.
#pragma once

// VD_DYNAMIC_SHARED declares the block's dynamic shared memory as an array
// of type T (emu/emu.h, the CPU emulation, defines its own).
#ifndef VD_DYNAMIC_SHARED
#define VD_DYNAMIC_SHARED(T, name) extern __shared__ T name[]
#endif

// Binary operations of vd_binary (Go: binAdd...).
#define VD_ADD 0
#define VD_SUB 1
#define VD_MUL 2
#define VD_DIV 3

// Unary operations of vd_unary (Go: unScale...); s is the scalar of
// VD_SCALE and VD_ADDSCALAR.
#define VD_SCALE 0
#define VD_ADDSCALAR 1
#define VD_EXP 2
#define VD_LOG 3
#define VD_SQRT 4
#define VD_SQUARE 5
#define VD_TANH 6
#define VD_SIGMOID 7
#define VD_GELU 8
#define VD_SILU 9

// Reductions of vd_reduce_rows and vd_reduce_cols (Go: redSum...).
#define VD_SUM 0
#define VD_MEAN 1
#define VD_MAX 2

// vd_maxf is fmaxf that propagates NaN, like the CPU executors' Max.
__device__ __forceinline__ float vd_maxf(float a, float b) {
	return (a != a || a > b) ? a : b;
}

__device__ __forceinline__ float vd_sigmoid(float x) {
	return 1.0f / (1.0f + expf(-x));
}

// vd_block_sum returns the sum of v over the block (every thread gets it).
// blockDim.x is a multiple of 32, at most 1024.
__device__ double vd_block_sum(double v) {
	__shared__ double part[32];
	for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
	int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
	__syncthreads(); // part may still be read by a previous call
	if (lane == 0) part[warp] = v;
	__syncthreads();
	int warps = blockDim.x >> 5;
	v = lane < warps ? part[lane] : 0.0;
	for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
	return __shfl_sync(0xffffffffu, v, 0);
}

// vd_block_max returns the NaN-propagating maximum of v over the block.
__device__ float vd_block_max(float v) {
	__shared__ float part[32];
	for (int o = 16; o > 0; o >>= 1) v = vd_maxf(v, __shfl_down_sync(0xffffffffu, v, o));
	int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
	__syncthreads();
	if (lane == 0) part[warp] = v;
	__syncthreads();
	int warps = blockDim.x >> 5;
	v = lane < warps ? part[lane] : -INFINITY;
	for (int o = 16; o > 0; o >>= 1) v = vd_maxf(v, __shfl_down_sync(0xffffffffu, v, o));
	return __shfl_sync(0xffffffffu, v, 0);
}
