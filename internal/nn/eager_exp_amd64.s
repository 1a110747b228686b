//go:build !noasm

#include "textflag.h"

// Constants of eagerExpAVX2, each repeated in the 8 lanes of a ymm.
DATA eagerExpC<>+0(SB)/4, $0x42b17218  // largest x with a finite exp
DATA eagerExpC<>+4(SB)/4, $0x42b17218
DATA eagerExpC<>+8(SB)/4, $0x42b17218
DATA eagerExpC<>+12(SB)/4, $0x42b17218
DATA eagerExpC<>+16(SB)/4, $0x42b17218
DATA eagerExpC<>+20(SB)/4, $0x42b17218
DATA eagerExpC<>+24(SB)/4, $0x42b17218
DATA eagerExpC<>+28(SB)/4, $0x42b17218
DATA eagerExpC<>+32(SB)/4, $0xc2ad3333  // below this exp is taken as 0 (keeps 2**n normal)
DATA eagerExpC<>+36(SB)/4, $0xc2ad3333
DATA eagerExpC<>+40(SB)/4, $0xc2ad3333
DATA eagerExpC<>+44(SB)/4, $0xc2ad3333
DATA eagerExpC<>+48(SB)/4, $0xc2ad3333
DATA eagerExpC<>+52(SB)/4, $0xc2ad3333
DATA eagerExpC<>+56(SB)/4, $0xc2ad3333
DATA eagerExpC<>+60(SB)/4, $0xc2ad3333
DATA eagerExpC<>+64(SB)/4, $0x3fb8aa3b  // log2(e)
DATA eagerExpC<>+68(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+72(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+76(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+80(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+84(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+88(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+92(SB)/4, $0x3fb8aa3b
DATA eagerExpC<>+96(SB)/4, $0x3f000000  // 0.5
DATA eagerExpC<>+100(SB)/4, $0x3f000000
DATA eagerExpC<>+104(SB)/4, $0x3f000000
DATA eagerExpC<>+108(SB)/4, $0x3f000000
DATA eagerExpC<>+112(SB)/4, $0x3f000000
DATA eagerExpC<>+116(SB)/4, $0x3f000000
DATA eagerExpC<>+120(SB)/4, $0x3f000000
DATA eagerExpC<>+124(SB)/4, $0x3f000000
DATA eagerExpC<>+128(SB)/4, $0x3f800000  // 1
DATA eagerExpC<>+132(SB)/4, $0x3f800000
DATA eagerExpC<>+136(SB)/4, $0x3f800000
DATA eagerExpC<>+140(SB)/4, $0x3f800000
DATA eagerExpC<>+144(SB)/4, $0x3f800000
DATA eagerExpC<>+148(SB)/4, $0x3f800000
DATA eagerExpC<>+152(SB)/4, $0x3f800000
DATA eagerExpC<>+156(SB)/4, $0x3f800000
DATA eagerExpC<>+160(SB)/4, $0x7f800000  // +Inf
DATA eagerExpC<>+164(SB)/4, $0x7f800000
DATA eagerExpC<>+168(SB)/4, $0x7f800000
DATA eagerExpC<>+172(SB)/4, $0x7f800000
DATA eagerExpC<>+176(SB)/4, $0x7f800000
DATA eagerExpC<>+180(SB)/4, $0x7f800000
DATA eagerExpC<>+184(SB)/4, $0x7f800000
DATA eagerExpC<>+188(SB)/4, $0x7f800000
DATA eagerExpC<>+192(SB)/4, $0x3f318000  // ln2, high part
DATA eagerExpC<>+196(SB)/4, $0x3f318000
DATA eagerExpC<>+200(SB)/4, $0x3f318000
DATA eagerExpC<>+204(SB)/4, $0x3f318000
DATA eagerExpC<>+208(SB)/4, $0x3f318000
DATA eagerExpC<>+212(SB)/4, $0x3f318000
DATA eagerExpC<>+216(SB)/4, $0x3f318000
DATA eagerExpC<>+220(SB)/4, $0x3f318000
DATA eagerExpC<>+224(SB)/4, $0xb95e8083  // ln2, low part
DATA eagerExpC<>+228(SB)/4, $0xb95e8083
DATA eagerExpC<>+232(SB)/4, $0xb95e8083
DATA eagerExpC<>+236(SB)/4, $0xb95e8083
DATA eagerExpC<>+240(SB)/4, $0xb95e8083
DATA eagerExpC<>+244(SB)/4, $0xb95e8083
DATA eagerExpC<>+248(SB)/4, $0xb95e8083
DATA eagerExpC<>+252(SB)/4, $0xb95e8083
DATA eagerExpC<>+256(SB)/4, $0x39506967  // polynomial
DATA eagerExpC<>+260(SB)/4, $0x39506967
DATA eagerExpC<>+264(SB)/4, $0x39506967
DATA eagerExpC<>+268(SB)/4, $0x39506967
DATA eagerExpC<>+272(SB)/4, $0x39506967
DATA eagerExpC<>+276(SB)/4, $0x39506967
DATA eagerExpC<>+280(SB)/4, $0x39506967
DATA eagerExpC<>+284(SB)/4, $0x39506967
DATA eagerExpC<>+288(SB)/4, $0x3ab743ce
DATA eagerExpC<>+292(SB)/4, $0x3ab743ce
DATA eagerExpC<>+296(SB)/4, $0x3ab743ce
DATA eagerExpC<>+300(SB)/4, $0x3ab743ce
DATA eagerExpC<>+304(SB)/4, $0x3ab743ce
DATA eagerExpC<>+308(SB)/4, $0x3ab743ce
DATA eagerExpC<>+312(SB)/4, $0x3ab743ce
DATA eagerExpC<>+316(SB)/4, $0x3ab743ce
DATA eagerExpC<>+320(SB)/4, $0x3c088908
DATA eagerExpC<>+324(SB)/4, $0x3c088908
DATA eagerExpC<>+328(SB)/4, $0x3c088908
DATA eagerExpC<>+332(SB)/4, $0x3c088908
DATA eagerExpC<>+336(SB)/4, $0x3c088908
DATA eagerExpC<>+340(SB)/4, $0x3c088908
DATA eagerExpC<>+344(SB)/4, $0x3c088908
DATA eagerExpC<>+348(SB)/4, $0x3c088908
DATA eagerExpC<>+352(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+356(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+360(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+364(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+368(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+372(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+376(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+380(SB)/4, $0x3d2aa9c1
DATA eagerExpC<>+384(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+388(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+392(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+396(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+400(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+404(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+408(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+412(SB)/4, $0x3e2aaaaa
DATA eagerExpC<>+416(SB)/4, $0x3f000000
DATA eagerExpC<>+420(SB)/4, $0x3f000000
DATA eagerExpC<>+424(SB)/4, $0x3f000000
DATA eagerExpC<>+428(SB)/4, $0x3f000000
DATA eagerExpC<>+432(SB)/4, $0x3f000000
DATA eagerExpC<>+436(SB)/4, $0x3f000000
DATA eagerExpC<>+440(SB)/4, $0x3f000000
DATA eagerExpC<>+444(SB)/4, $0x3f000000
DATA eagerExpC<>+448(SB)/4, $0x0000007e  // int32 126
DATA eagerExpC<>+452(SB)/4, $0x0000007e
DATA eagerExpC<>+456(SB)/4, $0x0000007e
DATA eagerExpC<>+460(SB)/4, $0x0000007e
DATA eagerExpC<>+464(SB)/4, $0x0000007e
DATA eagerExpC<>+468(SB)/4, $0x0000007e
DATA eagerExpC<>+472(SB)/4, $0x0000007e
DATA eagerExpC<>+476(SB)/4, $0x0000007e
GLOBL eagerExpC<>(SB), RODATA|NOPTR, $480

// func eagerExpAVX2(dst, src *float32, n int, shift float32) (sum float32)
//
// dst[i] = exp(src[i] - shift) for i < n (n a multiple of 8) and the sum of
// the results (eight lanes added in order, then across). Method of
// eagerExpf (Cephes expf) with FMA: x = k ln2 + r, e**r by a polynomial,
// 2**k through the exponent bits; x > hi gives +Inf, x < lo gives 0, NaN
// stays NaN.
TEXT ·eagerExpAVX2(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	VXORPS Y14, Y14, Y14
	VMOVUPS eagerExpC<>+0(SB), Y13
	VMOVUPS eagerExpC<>+32(SB), Y12
	VMOVUPS eagerExpC<>+64(SB), Y11
	VMOVUPS eagerExpC<>+128(SB), Y10
	VMOVUPS eagerExpC<>+160(SB), Y9

loop:
	CMPQ CX, $0
	JLE  done
	VMOVUPS (SI), Y0
	VSUBPS  Y15, Y0, Y0 // x = src - shift
	VCMPPS  $0x03, Y0, Y0, Y1 // NaN lanes
	VCMPPS  $0x1e, Y13, Y0, Y2 // x > hi
	VCMPPS  $0x11, Y12, Y0, Y3 // x < lo
	VMINPS  Y13, Y0, Y4
	VMAXPS  Y12, Y4, Y4 // x clamped to [lo, hi]

	// k = floor(x log2e + 0.5); r = x - k ln2 in two parts.
	VMOVUPS      eagerExpC<>+96(SB), Y5
	VFMADD231PS  Y11, Y4, Y5
	VROUNDPS     $1, Y5, Y5
	VFNMADD231PS eagerExpC<>+192(SB), Y5, Y4
	VFNMADD231PS eagerExpC<>+224(SB), Y5, Y4

	// e**r = 1 + r + r**2 p(r).
	VMULPS      Y4, Y4, Y6
	VMOVUPS     eagerExpC<>+256(SB), Y7
	VFMADD213PS eagerExpC<>+288(SB), Y4, Y7
	VFMADD213PS eagerExpC<>+320(SB), Y4, Y7
	VFMADD213PS eagerExpC<>+352(SB), Y4, Y7
	VFMADD213PS eagerExpC<>+384(SB), Y4, Y7
	VFMADD213PS eagerExpC<>+416(SB), Y4, Y7
	VFMADD213PS Y4, Y6, Y7
	VADDPS      Y10, Y7, Y7

	// Times 2**k = 2 * 2**(k-1): k is in [-125, 128], so 2**(k-1) is a
	// normal float32 built from the exponent bits k-1+127.
	VADDPS     Y7, Y7, Y7
	VCVTPS2DQ  Y5, Y5
	VPADDD     eagerExpC<>+448(SB), Y5, Y5
	VPSLLD     $23, Y5, Y5
	VMULPS     Y5, Y7, Y7

	VBLENDVPS Y2, Y9, Y7, Y7 // +Inf above hi
	VANDNPS   Y7, Y3, Y7 // 0 below lo
	VBLENDVPS Y1, Y0, Y7, Y7 // NaN stays NaN
	VMOVUPS   Y7, (DI)
	VADDPS    Y7, Y14, Y14
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       loop

done:
	VEXTRACTF128 $1, Y14, X0
	VADDPS       X14, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, sum+32(FP)
	RET

// func eagerCPUID(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·eagerCPUID(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func eagerXGETBV() (eax, edx uint32)
TEXT ·eagerXGETBV(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
