// copy.cu: data movement: axis permutation (Transpose), strided row copies
// (Slice, Concat) and row gathers (embedding lookup).
#include "common.cuh"

// vd_permute writes dst (n elements, row-major over the output dims) from
// src: meta holds the rank output dims, then the src stride along each.
extern "C" __global__ void vd_permute(const float* __restrict__ src, float* __restrict__ dst, long long n, int rank,
                                      const long long* __restrict__ meta) {
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
		long long rem = i, off = 0;
		for (int d = rank - 1; d >= 0; d--) {
			long long dim = meta[d];
			off += (rem % dim) * meta[rank + d];
			rem /= dim;
		}
		dst[i] = src[off];
	}
}

// vd_copy2d copies a rows x cols block: dst[dOff + r*dStride + c] =
// src[sOff + r*sStride + c].
extern "C" __global__ void vd_copy2d(const float* __restrict__ src, long long sStride, long long sOff,
                                     float* __restrict__ dst, long long dStride, long long dOff, long long rows, long long cols) {
	long long n = rows * cols;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
		long long r = i / cols, c = i % cols;
		dst[dOff + r * dStride + c] = src[sOff + r * sStride + c];
	}
}

// vd_gather sets out (l, d) row i to table row ids[i]; ids were checked on
// the host.
extern "C" __global__ void vd_gather(const float* __restrict__ table, const int* __restrict__ ids, float* __restrict__ out,
                                     long long l, long long d) {
	long long n = l * d;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
		long long r = i / d, c = i % d;
		out[i] = table[(long long)ids[r] * d + c];
	}
}
