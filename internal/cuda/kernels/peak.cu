// peak.cu: kernels that only measure the device's dense arithmetic peak,
// so that the GEMM benchmarks report a fraction of the peak measured on the
// same card in the same run (bench_cuda_test.go).
#ifdef __CUDACC__
#include <mma.h>
#endif
#include "common.cuh"

// vd_peak_fma runs iters rounds of 8 independent float32 FMA chains per
// thread: 16*iters FLOPs per thread. out is written only if the result
// equals a value it practically never does, which keeps the work alive.
extern "C" __global__ void vd_peak_fma(float* out, int iters, float a, float b) {
	float x[8];
#pragma unroll
	for (int i = 0; i < 8; i++) x[i] = threadIdx.x * 1e-3f + i;
	for (int it = 0; it < iters; it++) {
#pragma unroll
		for (int i = 0; i < 8; i++) x[i] = fmaf(x[i], a, b);
	}
	float s = 0;
#pragma unroll
	for (int i = 0; i < 8; i++) s += x[i];
	if (s == 1234567.0f) out[0] = s;
}

// vd_peak_tf32 runs iters rounds of 4 independent 16x16x8 TF32 wmma
// products per warp on register fragments: 4*2*16*16*8*iters FLOPs per
// warp (sm_80 and later).
extern "C" __global__ void vd_peak_tf32(float* out, int iters) {
#if __CUDA_ARCH__ >= 800
	using namespace nvcuda;
	wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa;
	wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb;
	wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[4];
	wmma::fill_fragment(fa, wmma::__float_to_tf32(1e-3f));
	wmma::fill_fragment(fb, wmma::__float_to_tf32(1e-3f));
	for (int i = 0; i < 4; i++) wmma::fill_fragment(acc[i], 0.0f);
	for (int it = 0; it < iters; it++) {
#pragma unroll
		for (int i = 0; i < 4; i++) wmma::mma_sync(acc[i], fa, fb, acc[i]);
	}
	float s = 0;
	for (int i = 0; i < 4; i++)
		for (int e = 0; e < acc[i].num_elements; e++) s += acc[i].x[e];
	if (s == 1234567.0f) out[0] = s;
#endif
}
