//go:build !amd64

package main

func fmaLoop(n int) {}

const fmaFlopsPerIteration = 0

const haveFMALoop = false
