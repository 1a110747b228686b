// Package nntest is the conformance suite of the executors of package nn, in
// the style of gonum's blas/testblas.
//
// Reference is a float64 executor written with plain loops: the ground
// truth. Cases lists every primitive of nn.Exec (including each broadcasting
// form) and every layer of package nn on small random inputs drawn with a
// fixed seed per case. RunConformance runs them on an executor and compares
// each result with the Reference's by the norm-wise relative error RelErr,
// within a tolerance stated per case (exact for data movement, 1e-6 for one
// element-wise rounding, 1e-5 for reductions and layers, 3e-5 for attention
// and whole blocks); an executor with fused abilities (nn.Softmaxer, ...) is
// checked on both the fused and the composed path. RunErrors checks the
// sticky-error contract. RunGradients checks the gradients of an executor
// with autodiff (Differentiator) against central differences computed in
// float64 on the Reference.
//
// An executor's test calls, for example:
//
//	nntest.RunConformance(t, "eager", func() nn.Exec { return nn.NewEager() }, read)
package nntest
