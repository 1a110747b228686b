// Package gemm is the project's float32 matrix product: C = alpha*op(A)*op(B)
// + beta*C on row-major matrices (Sgemm), and a batched form for attention
// heads (SgemmBatched). Every matrix product of the eager executor and, once
// tensorblas.Use is called, of gorgonia's tensor package runs through it.
//
// The algorithm is the BLIS/GotoBLAS one: op(B) is packed in kc x nc blocks
// and op(A) in mc x kc blocks into contiguous micro-panels (pack.go), and a
// 6x16 register-tile micro-kernel sweeps them (block.go). On amd64 CPUs with
// AVX2 and FMA the micro-kernel is Go assembly (kernel_amd64.s: twelve ymm
// accumulators, one broadcast and two FMAs per row and k-step); elsewhere, on
// CPUs without those features, and under the noasm build tag it is pure Go
// with the same packing. Products large enough to pay for it are cut into
// row or column slabs, one goroutine each, up to GOMAXPROCS. Products with
// one row or one column (m == 1 or n == 1: a token through a linear layer)
// skip the packing and run as dot products or axpys (vector.go).
//
// Results match a float64 product within float32 rounding (the sum's order
// differs from a naive loop); beta == 0 never reads C, as in BLAS. The only
// package-level state is a pool of packing buffers and the CPU feature flag
// read once at start-up; there is no configuration.
package gemm
