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
