// Package safetensors reads and writes the safetensors format: an 8-byte
// little-endian header length N, a JSON header of N bytes naming each tensor
// with its dtype, shape and byte offsets (plus an optional "__metadata__"
// map of strings), then the raw little-endian data section.
//
// Tensors of type F32, F16 or BF16 are read converted to float32, and
// Encode/WriteFile store F32 by default or F16/BF16 rounded to nearest, ties
// to even. A header may also name tensors of the specification's other
// whole-byte dtypes (I64, U8, F64, ...): their sizes are checked and the file
// opens, but reading them is an ErrDType error.
//
// The reader treats a file as hostile. NewReader refuses a header length
// over MaxHeaderSize or past the end of the file, a header that is not one
// UTF-8 JSON object (optionally padded with spaces) with unique keys, an
// unknown dtype or field, a shape whose element count does not match its
// byte range, offsets outside the data section, and tensors that overlap or
// leave bytes of the data section uncovered (the format requires the data
// section to be exactly tiled by the tensors). Float32s refuses NaN and
// infinities unless Reader.AllowNonFinite is set. Every error is an *Error
// naming the file and, where one is involved, the tensor, and wraps one of
// the Err sentinels. Nothing here panics on any input (FuzzSafetensors).
//
// The writer is deterministic (tensors laid out sorted by name, sorted JSON
// keys, header padded to a multiple of 8 bytes) and WriteFile goes through a
// temporary file renamed into place, so a failed write leaves nothing behind.
package safetensors
