//go:build !noasm

#include "textflag.h"

// One step p of the 6x16 micro-kernel: C(6x16) += a(6) * b(16)^T with the
// accumulators in Y4..Y15 (row r in Y(4+2r), Y(5+2r)), reading the packed A
// panel at SI+4*6*p (6 floats a step) and the packed B panel at DI+4*16*p
// (16 floats a step); ao and bo are those byte offsets.
#define STEP(ao, bo) \
	VMOVUPS      (bo)(DI), Y0;      \
	VMOVUPS      (bo+32)(DI), Y1;   \
	VBROADCASTSS (ao)(SI), Y2;      \
	VFMADD231PS  Y0, Y2, Y4;        \
	VFMADD231PS  Y1, Y2, Y5;        \
	VBROADCASTSS (ao+4)(SI), Y3;    \
	VFMADD231PS  Y0, Y3, Y6;        \
	VFMADD231PS  Y1, Y3, Y7;        \
	VBROADCASTSS (ao+8)(SI), Y2;    \
	VFMADD231PS  Y0, Y2, Y8;        \
	VFMADD231PS  Y1, Y2, Y9;        \
	VBROADCASTSS (ao+12)(SI), Y3;   \
	VFMADD231PS  Y0, Y3, Y10;       \
	VFMADD231PS  Y1, Y3, Y11;       \
	VBROADCASTSS (ao+16)(SI), Y2;   \
	VFMADD231PS  Y0, Y2, Y12;       \
	VFMADD231PS  Y1, Y2, Y13;       \
	VBROADCASTSS (ao+20)(SI), Y3;   \
	VFMADD231PS  Y0, Y3, Y14;       \
	VFMADD231PS  Y1, Y3, Y15

// Stores one row pair of accumulators to the row at R, C = acc.
#define STORE0(lo, hi, R) \
	VMOVUPS lo, (R); \
	VMOVUPS hi, 32(R)

// Stores one row pair of accumulators to the row at R, C = acc + beta*C
// (beta broadcast in Y0).
#define STOREB(lo, hi, R) \
	VFMADD231PS (R), Y0, lo;   \
	VFMADD231PS 32(R), Y0, hi; \
	VMOVUPS     lo, (R);       \
	VMOVUPS     hi, 32(R)

// func kernel6x16AVX2(k int, a, b, c *float32, ldc int, beta float32)
TEXT ·kernel6x16AVX2(SB), NOSPLIT, $0-44
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	// Row pointers of C: DX, R12, R10, R9, R13, R11 for rows 0-5. Fetch the
	// tile's lines now so that the stores at the end do not wait for them.
	LEAQ       (DX)(R8*1), R12
	LEAQ       (DX)(R8*2), R10
	LEAQ       (R10)(R8*1), R9
	LEAQ       (R9)(R8*1), R13
	LEAQ       (R9)(R8*2), R11
	PREFETCHT0 (DX)
	PREFETCHT0 60(DX)
	PREFETCHT0 (R12)
	PREFETCHT0 60(R12)
	PREFETCHT0 (R10)
	PREFETCHT0 60(R10)
	PREFETCHT0 (R9)
	PREFETCHT0 60(R9)
	PREFETCHT0 (R13)
	PREFETCHT0 60(R13)
	PREFETCHT0 (R11)
	PREFETCHT0 60(R11)

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

	MOVQ CX, BX
	SHRQ $2, BX
	JZ   tail

loop4:
	PREFETCHT0 384(SI)
	STEP(0, 0)
	STEP(24, 64)
	PREFETCHT0 512(DI)
	STEP(48, 128)
	STEP(72, 192)
	ADDQ       $96, SI
	ADDQ       $256, DI
	DECQ       BX
	JNZ        loop4

tail:
	ANDQ $3, CX
	JZ   store

loop1:
	STEP(0, 0)
	ADDQ $24, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  loop1

store:

	VBROADCASTSS beta+40(FP), Y0
	VXORPS       Y1, Y1, Y1
	VUCOMISS     X1, X0
	JNE          storebeta
	JP           storebeta

	STORE0(Y4, Y5, DX)
	STORE0(Y6, Y7, R12)
	STORE0(Y8, Y9, R10)
	STORE0(Y10, Y11, R9)
	STORE0(Y12, Y13, R13)
	STORE0(Y14, Y15, R11)
	VZEROUPPER
	RET

storebeta:
	STOREB(Y4, Y5, DX)
	STOREB(Y6, Y7, R12)
	STOREB(Y8, Y9, R10)
	STOREB(Y10, Y11, R9)
	STOREB(Y12, Y13, R13)
	STOREB(Y14, Y15, R11)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
