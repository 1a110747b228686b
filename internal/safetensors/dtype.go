package safetensors

import "math"

// DType is the element type of a stored tensor, spelled as in the
// safetensors header ("F32", "F16", "BF16", ...).
type DType string

// The element types this package converts to and from float32.
const (
	F32  DType = "F32"  // IEEE 754 binary32
	F16  DType = "F16"  // IEEE 754 binary16
	BF16 DType = "BF16" // bfloat16: the upper 16 bits of a binary32
)

// Size is the number of bytes of one element of any whole-byte dtype of the
// safetensors specification, or 0 for an unknown DType. A header may use any
// of them (so that a file holding, say, an I64 buffer beside float weights
// opens), but only F32, F16 and BF16 tensors can be read.
func (d DType) Size() int {
	switch d {
	case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3":
		return 1
	case "I16", "U16", F16, BF16:
		return 2
	case "I32", "U32", F32:
		return 4
	case "I64", "U64", "F64":
		return 8
	}
	return 0
}

// float reports whether d is one of F32, F16 and BF16, the types this
// package converts.
func (d DType) float() bool { return d == F32 || d == F16 || d == BF16 }

// F16ToFloat32 converts IEEE 754 binary16 bits to the float32 of the same
// value. The conversion is exact: subnormals become normal float32 values,
// infinities stay infinite and a NaN stays a NaN with its payload shifted into
// the float32 mantissa.
func F16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	man := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0x7f800000 | man<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | man<<13)
	case man == 0: // signed zero
		return math.Float32frombits(sign)
	}
	// Subnormal: value = man * 2^-24. Normalise the mantissa.
	e := uint32(127 - 15 + 1)
	for man&0x400 == 0 {
		man <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (man&0x3ff)<<13)
}

// Float32ToF16 converts a float32 to IEEE 754 binary16 bits, rounding to the
// nearest value with ties to even. Values too large for binary16 (above
// 65504 after rounding) become infinities of the same sign, values too small
// become subnormals or signed zero, and a NaN stays a quiet NaN keeping the top
// of its payload.
func Float32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	man := b & 0x7fffff
	if exp == 0xff {
		if man != 0 {
			return sign | 0x7e00 | uint16(man>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15 // the binary16 biased exponent
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign // below half the smallest subnormal: rounds to zero
		}
		full := man | 0x800000
		shift := uint(14 - e)
		return sign | uint16(roundShift(full, shift))
	}
	// Normal. A carry out of the mantissa correctly bumps the exponent, up to
	// infinity.
	return sign | uint16(roundShift(uint32(e)<<23|man, 13))
}

// roundShift returns x >> shift rounded to the nearest integer, ties to even.
func roundShift(x uint32, shift uint) uint32 {
	q := x >> shift
	rem := x & (1<<shift - 1)
	half := uint32(1) << (shift - 1)
	if rem > half || (rem == half && q&1 == 1) {
		q++
	}
	return q
}

// BF16ToFloat32 converts bfloat16 bits to the float32 of the same value
// (exact).
func BF16ToFloat32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// Float32ToBF16 converts a float32 to bfloat16 bits, rounding to the nearest
// value with ties to even; values that round past the largest bfloat16 become
// infinities and a NaN stays a quiet NaN of the same sign.
func Float32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 { // NaN
		return uint16(b>>16) | 0x0040
	}
	return uint16(roundShift(b, 16)) // carries into the exponent as needed
}

// decode converts raw little-endian elements of type d to float32.
// len(raw) must be len(dst)*d.Size().
func decode(d DType, raw []byte, dst []float32) {
	switch d {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(le32(raw[4*i:]))
		}
	case F16:
		for i := range dst {
			dst[i] = F16ToFloat32(le16(raw[2*i:]))
		}
	case BF16:
		for i := range dst {
			dst[i] = BF16ToFloat32(le16(raw[2*i:]))
		}
	}
}

// encode converts float32 values to raw little-endian elements of type d
// (one of F32, F16, BF16), appending to dst.
func encode(d DType, src []float32, dst []byte) []byte {
	for _, v := range src {
		switch d {
		case F32:
			b := math.Float32bits(v)
			dst = append(dst, byte(b), byte(b>>8), byte(b>>16), byte(b>>24))
		case F16:
			h := Float32ToF16(v)
			dst = append(dst, byte(h), byte(h>>8))
		case BF16:
			h := Float32ToBF16(v)
			dst = append(dst, byte(h), byte(h>>8))
		}
	}
	return dst
}

// fits reports whether the finite value v stays finite when stored as d.
func fits(d DType, v float32) bool {
	switch d {
	case F16:
		return Float32ToF16(v)&0x7fff != 0x7c00
	case BF16:
		return Float32ToBF16(v)&0x7fff != 0x7f80
	}
	return true
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
