// Package tensorblas plugs internal/gemm into gorgonia.org/tensor (and so
// into the gorgonia graph executor, whose matrix products run through
// tensor's engine): Implementation satisfies tensor.BLAS, answering Sgemm
// with gemm.Sgemm and every other routine with gonum's pure-Go BLAS.
//
// Nothing happens at import: a program opts in by calling Use once, before
// it builds graphs, and may restore the previous BLAS with tensor.Use.
package tensorblas
