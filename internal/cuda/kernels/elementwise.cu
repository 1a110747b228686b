// elementwise.cu: binary operations with broadcasting, unary operations and
// activations. Every kernel loops with a grid stride over n elements.
#include "common.cuh"

// vd_binary sets out[i] = a[i] op b[j] for the n elements of a (row-major).
// meta holds the broadcast plan of the Go side (plan.go): rank merged
// dimensions dims[0..rank) of a, then b's stride along each of them (0
// where b is broadcast).
extern "C" __global__ void vd_binary(int op, const float* __restrict__ a, const float* __restrict__ b,
                                     float* __restrict__ out, long long n, int rank, const long long* __restrict__ meta) {
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
		long long rem = i, boff = 0;
		for (int d = rank - 1; d >= 0; d--) {
			long long dim = meta[d];
			boff += (rem % dim) * meta[rank + d];
			rem /= dim;
		}
		float x = a[i], y = b[boff], r;
		switch (op) {
		case VD_ADD: r = x + y; break;
		case VD_SUB: r = x - y; break;
		case VD_MUL: r = x * y; break;
		default: r = x / y; break;
		}
		out[i] = r;
	}
}

// vd_unary sets out[i] = f(a[i]) for n elements; s is the scalar of
// VD_SCALE (x*s) and VD_ADDSCALAR (x+s). GELU is the tanh form written as
// x*sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3), like the CPU executors.
extern "C" __global__ void vd_unary(int op, const float* __restrict__ a, float* __restrict__ out, long long n, float s) {
	const float k0 = 2.0f * 0.7978845608028654f, k1 = 2.0f * 0.7978845608028654f * 0.044715f;
	for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x) {
		float x = a[i], r;
		switch (op) {
		case VD_SCALE: r = x * s; break;
		case VD_ADDSCALAR: r = x + s; break;
		case VD_EXP: r = expf(x); break;
		case VD_LOG: r = logf(x); break;
		case VD_SQRT: r = sqrtf(x); break;
		case VD_SQUARE: r = x * x; break;
		case VD_TANH: r = tanhf(x); break;
		case VD_SIGMOID: r = vd_sigmoid(x); break;
		case VD_GELU: r = x * vd_sigmoid(x * (k0 + k1 * x * x)); break;
		default: r = x * vd_sigmoid(x); break; // VD_SILU
		}
		out[i] = r;
	}
}
