// gemm.cu: batched matrix products C = op(A) op(B) on row-major float32,
// op(A) (M,K) (A stored (K,M) when transA), op(B) (K,N) (B stored (N,K)
// when transB), C (M,N); matrix b of a batch starts at b*strideX.
#ifdef __CUDACC__
#include <mma.h>
#endif
#include "common.cuh"

#define GT 64 // tile of C per block
#define GK 16 // depth of a shared-memory stage

// vd_sgemm is the float32 product on the CUDA cores: a block of 256
// threads computes a 64x64 tile of C in stages of 16 along K held in shared
// memory; each thread accumulates a 4x4 sub-tile with a stride of 16 (rows
// ty+16r, columns tx+16c) so that shared-memory reads do not conflict.
// Grid: (ceil(N/64), ceil(M/64), min(batch, 65535)); blocks loop over
// batches beyond the grid.
extern "C" __global__ void __launch_bounds__(256) vd_sgemm(int transA, int transB, int M, int N, int K,
		const float* __restrict__ A, int lda, long long sA,
		const float* __restrict__ B, int ldb, long long sB,
		float* __restrict__ C, int ldc, long long sC, int batch) {
	__shared__ float As[GK][GT + 4];
	__shared__ float Bs[GK][GT + 4];
	int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;
	int i0 = blockIdx.y * GT, j0 = blockIdx.x * GT;
	for (int bt = blockIdx.z; bt < batch; bt += gridDim.z) {
		const float* a = A + bt * sA;
		const float* b = B + bt * sB;
		float acc[4][4] = {};
		for (int k0 = 0; k0 < K; k0 += GK) {
			for (int q = 0; q < 4; q++) {
				int l = tid + 256 * q;
				// A tile: 64 rows of op(A) by 16 along K.
				int i, kk;
				if (transA) { i = l & 63; kk = l >> 6; } else { i = l >> 4; kk = l & 15; }
				int gi = i0 + i, gk = k0 + kk;
				float va = 0;
				if (gi < M && gk < K) va = transA ? a[(long long)gk * lda + gi] : a[(long long)gi * lda + gk];
				As[kk][i] = va;
				// B tile: 16 along K by 64 columns of op(B).
				int j;
				if (transB) { j = l >> 4; kk = l & 15; } else { j = l & 63; kk = l >> 6; }
				int gj = j0 + j;
				gk = k0 + kk;
				float vb = 0;
				if (gj < N && gk < K) vb = transB ? b[(long long)gj * ldb + gk] : b[(long long)gk * ldb + gj];
				Bs[kk][j] = vb;
			}
			__syncthreads();
#pragma unroll
			for (int kk = 0; kk < GK; kk++) {
				float ar[4], br[4];
#pragma unroll
				for (int r = 0; r < 4; r++) ar[r] = As[kk][ty + 16 * r];
#pragma unroll
				for (int c = 0; c < 4; c++) br[c] = Bs[kk][tx + 16 * c];
#pragma unroll
				for (int r = 0; r < 4; r++)
#pragma unroll
					for (int c = 0; c < 4; c++) acc[r][c] = fmaf(ar[r], br[c], acc[r][c]);
			}
			__syncthreads();
		}
		float* c = C + bt * sC;
		for (int r = 0; r < 4; r++) {
			int gi = i0 + ty + 16 * r;
			if (gi >= M) continue;
			for (int cc = 0; cc < 4; cc++) {
				int gj = j0 + tx + 16 * cc;
				if (gj < N) c[(long long)gi * ldc + gj] = acc[r][cc];
			}
		}
	}
}

// vd_sgemm_tf32 is the same product on the tensor cores in TF32 (10-bit
// mantissa inputs, float32 accumulation; sm_80 and later): a block of 4
// warps computes a 64x64 tile of C, each warp a 32x32 quarter as 2x2 wmma
// fragments of 16x16x8, in stages of 16 along K held in shared memory. The
// result differs from float32 by about 1e-3 relative: the executor uses it
// only when asked (WithTF32). Same arguments and grid as vd_sgemm, 128
// threads a block.
extern "C" __global__ void __launch_bounds__(128) vd_sgemm_tf32(int transA, int transB, int M, int N, int K,
		const float* __restrict__ A, int lda, long long sA,
		const float* __restrict__ B, int ldb, long long sB,
		float* __restrict__ C, int ldc, long long sC, int batch) {
#if __CUDA_ARCH__ >= 800
	using namespace nvcuda;
	// wmma loads and stores need 32-byte aligned addresses: the bases are
	// aligned and every fragment offset below is a multiple of 32 bytes.
	__shared__ __align__(128) float As[GT][GK + 4];  // row-major 64 x 16
	__shared__ __align__(128) float Bs[GK][GT + 4];  // row-major 16 x 64
	__shared__ __align__(128) float Cs[4][32 * 32];  // per-warp staging of the result
	int tid = threadIdx.x, warp = tid >> 5, wy = warp >> 1, wx = warp & 1;
	int i0 = blockIdx.y * GT, j0 = blockIdx.x * GT;
	for (int bt = blockIdx.z; bt < batch; bt += gridDim.z) {
		const float* a = A + bt * sA;
		const float* b = B + bt * sB;
		wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
		for (int r = 0; r < 2; r++)
			for (int c = 0; c < 2; c++) wmma::fill_fragment(acc[r][c], 0.0f);
		for (int k0 = 0; k0 < K; k0 += GK) {
			for (int q = 0; q < 8; q++) {
				int l = tid + 128 * q;
				int i, kk;
				if (transA) { i = l & 63; kk = l >> 6; } else { i = l >> 4; kk = l & 15; }
				int gi = i0 + i, gk = k0 + kk;
				float va = 0;
				if (gi < M && gk < K) va = transA ? a[(long long)gk * lda + gi] : a[(long long)gi * lda + gk];
				As[i][kk] = wmma::__float_to_tf32(va);
				int j;
				if (transB) { j = l >> 4; kk = l & 15; } else { j = l & 63; kk = l >> 6; }
				int gj = j0 + j;
				gk = k0 + kk;
				float vb = 0;
				if (gj < N && gk < K) vb = transB ? b[(long long)gj * ldb + gk] : b[(long long)gk * ldb + gj];
				Bs[kk][j] = wmma::__float_to_tf32(vb);
			}
			__syncthreads();
#pragma unroll
			for (int ks = 0; ks < GK; ks += 8) {
				wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa[2];
				wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
				for (int r = 0; r < 2; r++) wmma::load_matrix_sync(fa[r], &As[wy * 32 + r * 16][ks], GK + 4);
				for (int c = 0; c < 2; c++) wmma::load_matrix_sync(fb[c], &Bs[ks][wx * 32 + c * 16], GT + 4);
				for (int r = 0; r < 2; r++)
					for (int c = 0; c < 2; c++) wmma::mma_sync(acc[r][c], fa[r], fb[c], acc[r][c]);
			}
			__syncthreads();
		}
		float* cs = Cs[warp];
		for (int r = 0; r < 2; r++)
			for (int c = 0; c < 2; c++) wmma::store_matrix_sync(cs + r * 16 * 32 + c * 16, acc[r][c], 32, wmma::mem_row_major);
		__syncwarp();
		float* cm = C + bt * sC;
		int lane = tid & 31;
		for (int r = 0; r < 32; r++) {
			int gi = i0 + wy * 32 + r, gj = j0 + wx * 32 + lane;
			if (gi < M && gj < N) cm[(long long)gi * ldc + gj] = cs[r * 32 + lane];
		}
		__syncwarp();
	}
#endif
}
