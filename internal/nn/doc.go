// Package nn is the network layer of videodit: one set of operations and
// layers, written once, run by several executors.
//
// Exec (exec.go) is the primitive operation set every network is written
// against, with sticky errors and one broadcasting rule; the optional
// abilities of abilities.go (fused softmax, norms, activations, attention)
// are used by the layers when an executor has them. The layers (layers_*.go:
// Linear, Embedding, LayerNorm, RMSNorm, GELU, SiLU, softmax, rotary
// multi-head attention with causal, padding and block-local masks, SwiGLU,
// adaptive layer-norm modulation, tubelet embedding, masked pooling, the
// transformer block, losses) are functions of an Exec.
//
// The executors:
//   - Eager (eager*.go) computes on *tensor.Dense at once, for inference;
//   - Graph (graph*.go) records the network on gorgonia ExprGraphs and runs
//     it on TapeMachines for training. Every node is one of this package's
//     own gorgonia Ops with its own reverse pass (gorgonia's built-in
//     operators and autodiff are not used); the graph is cut into pieces of
//     at most 128 nodes, one TapeMachine each, because gorgonia's compile is
//     quadratic; values and gradients stay valid after Run;
//   - nntest.Reference computes in float64 and is the reference the
//     conformance suite (package nntest) holds every executor to.
//
// shapes.go holds the shape rules (broadcasting, MatMul, Concat, Transpose,
// reductions, attention, norms) every executor checks its arguments with,
// including the CUDA executor of internal/cuda.
//
// Every matrix product of Eager and Graph runs the project's AVX2+FMA GEMM
// (package internal/gemm) through matmul.go; nothing is registered process-wide.
package nn
