package cuda

// kernel names a __global__ function of kernels/*.cu (declared extern "C",
// so its PTX .entry has the same name).
type kernel string

// The kernels of the executor, with the operation codes they take (the
// VD_* macros of kernels/common.cuh; kernels_test.go checks that they
// agree).
const (
	kBinary     kernel = "vd_binary"      // (op, a, b, out, n, rank, meta)
	kUnary      kernel = "vd_unary"       // (op, a, out, n, s)
	kReduceRows kernel = "vd_reduce_rows" // (op, a, out, rows, n)
	kReduceCols kernel = "vd_reduce_cols" // (op, a, out, outer, n, inner)
	kSoftmax    kernel = "vd_softmax"     // (a, out, rows, d)
	kLayerNorm  kernel = "vd_layernorm"   // (a, g, b, out, rows, d, eps)
	kRMSNorm    kernel = "vd_rmsnorm"     // (a, g, out, rows, d, eps)
	kPermute    kernel = "vd_permute"     // (src, dst, n, rank, meta)
	kCopy2D     kernel = "vd_copy2d"      // (src, sStride, sOff, dst, dStride, dOff, rows, cols)
	kGather     kernel = "vd_gather"      // (table, ids, out, l, d)
	kSgemm      kernel = "vd_sgemm"       // (transA, transB, M, N, K, A, lda, sA, B, ldb, sB, C, ldc, sC, batch)
	kSgemmTF32  kernel = "vd_sgemm_tf32"  // same arguments as vd_sgemm
	kAttention  kernel = "vd_attention"   // (q, k, v, bias, out, batch, lq, lk, dh, dv, scale, biasMode)
	kPeakFMA    kernel = "vd_peak_fma"    // (out, iters, a, b): benchmarks only
	kPeakTF32   kernel = "vd_peak_tf32"   // (out, iters): benchmarks only
)

// allKernels lists every kernel of the module (the executor's and the
// benchmarks' peak kernels); loading a module looks each one up, so a
// missing kernel fails at Open, not mid-network.
var allKernels = []kernel{kBinary, kUnary, kReduceRows, kReduceCols, kSoftmax, kLayerNorm, kRMSNorm,
	kPermute, kCopy2D, kGather, kSgemm, kSgemmTF32, kAttention, kPeakFMA, kPeakTF32}

// Operation codes of vd_binary.
const (
	binAdd int32 = 0
	binSub int32 = 1
	binMul int32 = 2
	binDiv int32 = 3
)

// Operation codes of vd_unary.
const (
	unScale     int32 = 0
	unAddScalar int32 = 1
	unExp       int32 = 2
	unLog       int32 = 3
	unSqrt      int32 = 4
	unSquare    int32 = 5
	unTanh      int32 = 6
	unSigmoid   int32 = 7
	unGELU      int32 = 8
	unSiLU      int32 = 9
)

// Operation codes of vd_reduce_rows and vd_reduce_cols.
const (
	redSum  int32 = 0
	redMean int32 = 1
	redMax  int32 = 2
)
