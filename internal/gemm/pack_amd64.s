//go:build !noasm

#include "textflag.h"

// func copyPanelsSSE(dst *float32, dstStride int, src *float32, n int)
TEXT ·copyPanelsSSE(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  dstStride+8(FP), DX
	SHLQ  $2, DX
	MOVQ  src+16(FP), SI
	MOVQ  n+24(FP), CX
	TESTQ CX, CX
	JEQ   done

loop:
	MOVUPS (SI), X0
	MOVUPS 16(SI), X1
	MOVUPS 32(SI), X2
	MOVUPS 48(SI), X3
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	MOVUPS X2, 32(DI)
	MOVUPS X3, 48(DI)
	ADDQ   $64, SI
	ADDQ   DX, DI
	DECQ   CX
	JNZ    loop

done:
	RET

// Transposes the 8x8 block whose rows start at R11, R11+R8, ..., R11+7*R8
// (R9 = 3*R8, R12 = R11+4*R8) and stores its column c at DI + c*64 + off.
#define TRANSPOSE8(off) \
	VMOVUPS    (R11), Y0;               \
	VMOVUPS    (R11)(R8*1), Y1;         \
	VMOVUPS    (R11)(R8*2), Y2;         \
	VMOVUPS    (R11)(R9*1), Y3;         \
	VMOVUPS    (R12), Y4;               \
	VMOVUPS    (R12)(R8*1), Y5;         \
	VMOVUPS    (R12)(R8*2), Y6;         \
	VMOVUPS    (R12)(R9*1), Y7;         \
	VUNPCKLPS  Y1, Y0, Y8;              \
	VUNPCKHPS  Y1, Y0, Y9;              \
	VUNPCKLPS  Y3, Y2, Y10;             \
	VUNPCKHPS  Y3, Y2, Y11;             \
	VUNPCKLPS  Y5, Y4, Y12;             \
	VUNPCKHPS  Y5, Y4, Y13;             \
	VUNPCKLPS  Y7, Y6, Y14;             \
	VUNPCKHPS  Y7, Y6, Y15;             \
	VSHUFPS    $0x44, Y10, Y8, Y0;      \
	VSHUFPS    $0xEE, Y10, Y8, Y1;      \
	VSHUFPS    $0x44, Y11, Y9, Y2;      \
	VSHUFPS    $0xEE, Y11, Y9, Y3;      \
	VSHUFPS    $0x44, Y14, Y12, Y4;     \
	VSHUFPS    $0xEE, Y14, Y12, Y5;     \
	VSHUFPS    $0x44, Y15, Y13, Y6;     \
	VSHUFPS    $0xEE, Y15, Y13, Y7;     \
	VPERM2F128 $0x20, Y4, Y0, Y8;       \
	VPERM2F128 $0x20, Y5, Y1, Y9;       \
	VPERM2F128 $0x20, Y6, Y2, Y10;      \
	VPERM2F128 $0x20, Y7, Y3, Y11;      \
	VPERM2F128 $0x31, Y4, Y0, Y12;      \
	VPERM2F128 $0x31, Y5, Y1, Y13;      \
	VPERM2F128 $0x31, Y6, Y2, Y14;      \
	VPERM2F128 $0x31, Y7, Y3, Y15;      \
	VMOVUPS    Y8, (off)(DI);           \
	VMOVUPS    Y9, (off+64)(DI);        \
	VMOVUPS    Y10, (off+128)(DI);      \
	VMOVUPS    Y11, (off+192)(DI);      \
	VMOVUPS    Y12, (off+256)(DI);      \
	VMOVUPS    Y13, (off+320)(DI);      \
	VMOVUPS    Y14, (off+384)(DI);      \
	VMOVUPS    Y15, (off+448)(DI)

// func transpose16AVX(dst, src *float32, ld, blocks int)
TEXT ·transpose16AVX(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  ld+16(FP), R8
	SHLQ  $2, R8
	LEAQ  (R8)(R8*2), R9
	MOVQ  blocks+24(FP), CX
	TESTQ CX, CX
	JEQ   tdone

tloop:
	// Rows 0-7 of the panel into columns 0-7 of dst.
	MOVQ SI, R11
	LEAQ (R11)(R8*4), R12
	TRANSPOSE8(0)

	// Rows 8-15 into columns 8-15.
	LEAQ (R12)(R8*4), R11
	LEAQ (R11)(R8*4), R12
	TRANSPOSE8(32)

	ADDQ $32, SI
	ADDQ $512, DI
	DECQ CX
	JNZ  tloop

tdone:
	VZEROUPPER
	RET
