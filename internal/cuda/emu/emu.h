// emu.h: just enough of CUDA C to run the kernels of ../kernels on the CPU,
// for the videodit_cudaemu tests (emu_kernels.cc includes this, then
// ../kernels/all.cu). A launch runs the grid's blocks one after another;
// a block's threads are real threads, __syncthreads is a barrier, warp
// shuffles exchange through a per-warp buffer between barriers, __shared__
// variables are statics (one block at a time) and dynamic shared memory is
// a per-launch buffer. The TF32 kernel needs the tensor cores and compiles
// to nothing here (__CUDA_ARCH__ is undefined).
#pragma once
#include <barrier>
#include <cmath>
#include <cstdint>
#include <vector>

struct vd_dim3 {
	unsigned x, y, z;
};

#define __global__
#define __device__
#define __forceinline__ inline
#define __restrict__
#define __launch_bounds__(n)
#define __shared__ static
#define __align__(n) alignas(n)

extern thread_local vd_dim3 threadIdx, blockIdx;
extern vd_dim3 blockDim, gridDim;

// vd_emu_warp is the exchange of one warp.
struct vd_emu_warp {
	std::barrier<> bar{32};
	double val[32];
};

// vd_emu_block is the state of the block being run.
struct vd_emu_block {
	std::barrier<>* bar;
	std::vector<vd_emu_warp>* warps;
	unsigned char* dynamic;
};
extern vd_emu_block vd_emu;

#define VD_DYNAMIC_SHARED(T, name) T* name = reinterpret_cast<T*>(vd_emu.dynamic)

inline void __syncthreads() { vd_emu.bar->arrive_and_wait(); }

inline void __syncwarp(unsigned = 0xffffffffu) { (*vd_emu.warps)[threadIdx.x / 32].bar.arrive_and_wait(); }

// vd_emu_shfl returns the value of lane src of the calling thread's warp
// (its own when src is out of range), as __shfl_sync does.
template <class T>
T vd_emu_shfl(T v, int src) {
	vd_emu_warp& w = (*vd_emu.warps)[threadIdx.x / 32];
	int lane = threadIdx.x % 32;
	w.val[lane] = (double)v;
	w.bar.arrive_and_wait();
	T r = (src >= 0 && src < 32) ? (T)w.val[src] : v;
	w.bar.arrive_and_wait();
	return r;
}

template <class T>
T __shfl_down_sync(unsigned, T v, int delta) {
	int lane = threadIdx.x % 32;
	return vd_emu_shfl(v, lane + delta < 32 ? lane + delta : lane);
}

template <class T>
T __shfl_sync(unsigned, T v, int src) { return vd_emu_shfl(v, src); }
