// reduce.cu: Sum, Mean and Max along one axis. The Go side views the input
// as (outer, n, inner) around the axis; the result is (outer, inner).
#include "common.cuh"

// vd_reduce_rows reduces contiguous rows (inner == 1): one block per row
// of n elements; sums accumulate in double.
extern "C" __global__ void vd_reduce_rows(int op, const float* __restrict__ a, float* __restrict__ out, long long rows, int n) {
	long long r = blockIdx.x;
	if (r >= rows) return;
	const float* row = a + r * n;
	if (op == VD_MAX) {
		float m = -INFINITY;
		for (int j = threadIdx.x; j < n; j += blockDim.x) m = vd_maxf(row[j], m);
		m = vd_block_max(m);
		if (threadIdx.x == 0) out[r] = m;
		return;
	}
	double s = 0;
	for (int j = threadIdx.x; j < n; j += blockDim.x) s += row[j];
	s = vd_block_sum(s);
	if (threadIdx.x == 0) out[r] = (float)(op == VD_MEAN ? s / n : s);
}

// vd_reduce_cols reduces along a strided axis: one thread per output
// (o, i), reading a[(o*n + j)*inner + i] for j < n.
extern "C" __global__ void vd_reduce_cols(int op, const float* __restrict__ a, float* __restrict__ out, long long outer, int n, long long inner) {
	long long total = outer * inner;
	for (long long t = blockIdx.x * (long long)blockDim.x + threadIdx.x; t < total; t += (long long)gridDim.x * blockDim.x) {
		long long o = t / inner, i = t % inner;
		const float* p = a + o * n * inner + i;
		if (op == VD_MAX) {
			float m = -INFINITY;
			for (int j = 0; j < n; j++) m = vd_maxf(p[j * inner], m);
			out[t] = m;
			continue;
		}
		double s = 0;
		for (int j = 0; j < n; j++) s += p[j * inner];
		out[t] = (float)(op == VD_MEAN ? s / n : s);
	}
}
