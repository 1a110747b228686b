// attention.cu: fused scaled dot-product attention with an additive bias,
// softmax(q k^T * scale + bias) v, for q (B,Lq,dh), k (B,Lk,dh), v
// (B,Lk,dv) and bias (Lq,Lk) (biasMode 1), (B,Lq,Lk) (biasMode 2) or none
// (0). Causal and block-local attention come as a bias of -Inf outside the
// allowed keys (nn's masks); the kernel skips the keys whose bias is -Inf.
#include "common.cuh"

// vd_attention gives one block of 128 threads to each query row i (grid x)
// of each batch b (grid y, looping beyond the grid): the scores of the row
// live in dynamic shared memory (Lk floats, then the query row, dh floats),
// so Lk + dh is limited by shared memory (geometry.go); the softmax is
// exact (maximum first), and each thread then accumulates output columns
// over the keys.
extern "C" __global__ void __launch_bounds__(128) vd_attention(const float* __restrict__ q, const float* __restrict__ k,
		const float* __restrict__ v, const float* __restrict__ bias, float* __restrict__ out,
		int batch, int lq, int lk, int dh, int dv, float scale, int biasMode) {
	VD_DYNAMIC_SHARED(float, sh);
	float* sc = sh;
	float* qs = sh + lk;
	int i = blockIdx.x;
	if (i >= lq) return;
	for (int b = blockIdx.y; b < batch; b += gridDim.y) {
		const float* qr = q + ((long long)b * lq + i) * dh;
		for (int d = threadIdx.x; d < dh; d += blockDim.x) qs[d] = qr[d];
		__syncthreads();
		const float* br = 0;
		if (biasMode == 1) br = bias + (long long)i * lk;
		if (biasMode == 2) br = bias + ((long long)b * lq + i) * lk;
		const float* kb = k + (long long)b * lk * dh;
		float m = -INFINITY;
		for (int j = threadIdx.x; j < lk; j += blockDim.x) {
			float s;
			float bj = br ? br[j] : 0.0f;
			if (bj == -INFINITY) {
				s = -INFINITY;
			} else {
				const float* kr = kb + (long long)j * dh;
				float dot = 0;
				for (int d = 0; d < dh; d++) dot = fmaf(qs[d], kr[d], dot);
				s = dot * scale + bj;
			}
			sc[j] = s;
			m = vd_maxf(s, m);
		}
		m = vd_block_max(m);
		double sum = 0;
		for (int j = threadIdx.x; j < lk; j += blockDim.x) {
			float e = expf(sc[j] - m);
			sc[j] = e;
			sum += e;
		}
		float inv = (float)(1.0 / vd_block_sum(sum)); // its barriers also publish sc
		const float* vb = v + (long long)b * lk * dv;
		float* o = out + ((long long)b * lq + i) * dv;
		for (int c = threadIdx.x; c < dv; c += blockDim.x) {
			float acc = 0;
			for (int j = 0; j < lk; j++) acc = fmaf(sc[j], vb[(long long)j * dv + c], acc);
			o[c] = acc * inv;
		}
		__syncthreads(); // sc and qs are rewritten for the next batch
	}
}
