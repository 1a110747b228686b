// Package safetensors reads and writes the safetensors format: an 8-byte
// little-endian header length, a JSON header naming each tensor with its
// dtype, shape and byte offsets, then the raw little-endian data.
package safetensors
