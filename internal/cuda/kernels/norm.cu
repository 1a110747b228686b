// norm.cu: the fused row kernels of the optional abilities of package nn:
// softmax along the last axis, layer norm and RMS norm. One block per row
// of d elements; statistics accumulate in double.
#include "common.cuh"

// vd_softmax sets each row of out to softmax(row of a) = exp(x - max) /
// sum(exp(x - max)).
extern "C" __global__ void vd_softmax(const float* __restrict__ a, float* __restrict__ out, long long rows, int d) {
	long long r = blockIdx.x;
	if (r >= rows) return;
	const float* x = a + r * d;
	float* y = out + r * d;
	float m = -INFINITY;
	for (int j = threadIdx.x; j < d; j += blockDim.x) m = vd_maxf(x[j], m);
	m = vd_block_max(m);
	double s = 0;
	for (int j = threadIdx.x; j < d; j += blockDim.x) {
		float e = expf(x[j] - m);
		y[j] = e;
		s += e;
	}
	float inv = (float)(1.0 / vd_block_sum(s));
	for (int j = threadIdx.x; j < d; j += blockDim.x) y[j] *= inv;
}

// vd_layernorm sets each row to (x - mean) / sqrt(var + eps) * g + b with
// the biased variance (two passes); b may be null.
extern "C" __global__ void vd_layernorm(const float* __restrict__ a, const float* __restrict__ g, const float* __restrict__ b,
                                        float* __restrict__ out, long long rows, int d, float eps) {
	long long r = blockIdx.x;
	if (r >= rows) return;
	const float* x = a + r * d;
	float* y = out + r * d;
	double s = 0;
	for (int j = threadIdx.x; j < d; j += blockDim.x) s += x[j];
	double mean = vd_block_sum(s) / d;
	double q = 0;
	for (int j = threadIdx.x; j < d; j += blockDim.x) {
		double c = x[j] - mean;
		q += c * c;
	}
	float rstd = (float)(1.0 / sqrt(vd_block_sum(q) / d + (double)eps));
	float m = (float)mean;
	for (int j = threadIdx.x; j < d; j += blockDim.x) {
		float v = (x[j] - m) * rstd * g[j];
		y[j] = b ? v + b[j] : v;
	}
}

// vd_rmsnorm sets each row to x / sqrt(mean(x^2) + eps) * g.
extern "C" __global__ void vd_rmsnorm(const float* __restrict__ a, const float* __restrict__ g, float* __restrict__ out,
                                      long long rows, int d, float eps) {
	long long r = blockIdx.x;
	if (r >= rows) return;
	const float* x = a + r * d;
	float* y = out + r * d;
	double q = 0;
	for (int j = threadIdx.x; j < d; j += blockDim.x) q += (double)x[j] * x[j];
	float rs = (float)(1.0 / sqrt(vd_block_sum(q) / d + (double)eps));
	for (int j = threadIdx.x; j < d; j += blockDim.x) y[j] = x[j] * rs * g[j];
}
