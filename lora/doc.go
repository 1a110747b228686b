// Package lora implements low-rank adapters (paper Eq. 14):
// W = W0 + (alpha/r) A B on the linear layers of a frozen network, with B
// initialised to zero, merge and unmerge, and adapters saved and loaded on
// their own.
package lora
