package main

// fmaLoop runs n iterations of 10 independent 8-wide float32 FMAs.
//
//go:noescape
func fmaLoop(n int)

// fmaFlopsPerIteration is the float32 flops of one fmaLoop iteration.
const fmaFlopsPerIteration = 10 * 8 * 2

// haveFMALoop reports whether fmaLoop exists on this architecture.
const haveFMALoop = true
