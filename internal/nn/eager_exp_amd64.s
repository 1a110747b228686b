//go:build !noasm

#include "textflag.h"

// AVX2+FMA kernels of the eager executor: the exponential and the functions
// built on it, eight float32 lanes at a time. Each function handles n
// elements, n a multiple of 8; the Go callers (eager_exp_amd64.go) finish
// the tail with the scalar functions of eager_expf.go, which use the same
// methods.

// Constants, each repeated in the 8 lanes of a ymm.
DATA eagerExpC<>+0(SB)/4, $0x42b17218  // largest x with a finite exp
DATA eagerExpC<>+4(SB)/4, $0x42b17218
DATA eagerExpC<>+8(SB)/4, $0x42b17218
DATA eagerExpC<>+12(SB)/4, $0x42b17218
DATA eagerExpC<>+16(SB)/4, $0x42b17218
DATA eagerExpC<>+20(SB)/4, $0x42b17218
DATA eagerExpC<>+24(SB)/4, $0x42b17218
DATA eagerExpC<>+28(SB)/4, $0x42b17218
DATA eagerExpC<>+32(SB)/4, $0xc2ad3333  // below this exp is taken as 0 (keeps 2**k normal)
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
DATA eagerExpC<>+256(SB)/4, $0x39506967  // exp polynomial, highest degree first
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
DATA eagerExpC<>+448(SB)/4, $0x3fcc422a  // GELU: 2 sqrt(2/pi)
DATA eagerExpC<>+452(SB)/4, $0x3fcc422a
DATA eagerExpC<>+456(SB)/4, $0x3fcc422a
DATA eagerExpC<>+460(SB)/4, $0x3fcc422a
DATA eagerExpC<>+464(SB)/4, $0x3fcc422a
DATA eagerExpC<>+468(SB)/4, $0x3fcc422a
DATA eagerExpC<>+472(SB)/4, $0x3fcc422a
DATA eagerExpC<>+476(SB)/4, $0x3fcc422a
DATA eagerExpC<>+480(SB)/4, $0x3d922279  // GELU: 2 sqrt(2/pi) 0.044715
DATA eagerExpC<>+484(SB)/4, $0x3d922279
DATA eagerExpC<>+488(SB)/4, $0x3d922279
DATA eagerExpC<>+492(SB)/4, $0x3d922279
DATA eagerExpC<>+496(SB)/4, $0x3d922279
DATA eagerExpC<>+500(SB)/4, $0x3d922279
DATA eagerExpC<>+504(SB)/4, $0x3d922279
DATA eagerExpC<>+508(SB)/4, $0x3d922279
DATA eagerExpC<>+512(SB)/4, $0x3f200000  // tanh: polynomial below this |x|
DATA eagerExpC<>+516(SB)/4, $0x3f200000
DATA eagerExpC<>+520(SB)/4, $0x3f200000
DATA eagerExpC<>+524(SB)/4, $0x3f200000
DATA eagerExpC<>+528(SB)/4, $0x3f200000
DATA eagerExpC<>+532(SB)/4, $0x3f200000
DATA eagerExpC<>+536(SB)/4, $0x3f200000
DATA eagerExpC<>+540(SB)/4, $0x3f200000
DATA eagerExpC<>+544(SB)/4, $0xbbbaf0ea  // tanh polynomial, highest degree first
DATA eagerExpC<>+548(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+552(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+556(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+560(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+564(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+568(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+572(SB)/4, $0xbbbaf0ea
DATA eagerExpC<>+576(SB)/4, $0x3ca9134e
DATA eagerExpC<>+580(SB)/4, $0x3ca9134e
DATA eagerExpC<>+584(SB)/4, $0x3ca9134e
DATA eagerExpC<>+588(SB)/4, $0x3ca9134e
DATA eagerExpC<>+592(SB)/4, $0x3ca9134e
DATA eagerExpC<>+596(SB)/4, $0x3ca9134e
DATA eagerExpC<>+600(SB)/4, $0x3ca9134e
DATA eagerExpC<>+604(SB)/4, $0x3ca9134e
DATA eagerExpC<>+608(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+612(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+616(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+620(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+624(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+628(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+632(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+636(SB)/4, $0xbd5c1e2d
DATA eagerExpC<>+640(SB)/4, $0x3e088393
DATA eagerExpC<>+644(SB)/4, $0x3e088393
DATA eagerExpC<>+648(SB)/4, $0x3e088393
DATA eagerExpC<>+652(SB)/4, $0x3e088393
DATA eagerExpC<>+656(SB)/4, $0x3e088393
DATA eagerExpC<>+660(SB)/4, $0x3e088393
DATA eagerExpC<>+664(SB)/4, $0x3e088393
DATA eagerExpC<>+668(SB)/4, $0x3e088393
DATA eagerExpC<>+672(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+676(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+680(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+684(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+688(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+692(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+696(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+700(SB)/4, $0xbeaaaa99
DATA eagerExpC<>+704(SB)/4, $0x0000007e  // int32 126
DATA eagerExpC<>+708(SB)/4, $0x0000007e
DATA eagerExpC<>+712(SB)/4, $0x0000007e
DATA eagerExpC<>+716(SB)/4, $0x0000007e
DATA eagerExpC<>+720(SB)/4, $0x0000007e
DATA eagerExpC<>+724(SB)/4, $0x0000007e
DATA eagerExpC<>+728(SB)/4, $0x0000007e
DATA eagerExpC<>+732(SB)/4, $0x0000007e
DATA eagerExpC<>+736(SB)/4, $0x80000000  // sign bit
DATA eagerExpC<>+740(SB)/4, $0x80000000
DATA eagerExpC<>+744(SB)/4, $0x80000000
DATA eagerExpC<>+748(SB)/4, $0x80000000
DATA eagerExpC<>+752(SB)/4, $0x80000000
DATA eagerExpC<>+756(SB)/4, $0x80000000
DATA eagerExpC<>+760(SB)/4, $0x80000000
DATA eagerExpC<>+764(SB)/4, $0x80000000
DATA eagerExpC<>+768(SB)/4, $0x7fffffff  // all but the sign bit
DATA eagerExpC<>+772(SB)/4, $0x7fffffff
DATA eagerExpC<>+776(SB)/4, $0x7fffffff
DATA eagerExpC<>+780(SB)/4, $0x7fffffff
DATA eagerExpC<>+784(SB)/4, $0x7fffffff
DATA eagerExpC<>+788(SB)/4, $0x7fffffff
DATA eagerExpC<>+792(SB)/4, $0x7fffffff
DATA eagerExpC<>+796(SB)/4, $0x7fffffff
GLOBL eagerExpC<>(SB), RODATA|NOPTR, $800

// EXPCONST loads the registers EXP8 reads.
#define EXPCONST \
	VMOVUPS eagerExpC<>+0(SB), Y13; \
	VMOVUPS eagerExpC<>+32(SB), Y12; \
	VMOVUPS eagerExpC<>+64(SB), Y11; \
	VMOVUPS eagerExpC<>+128(SB), Y10; \
	VMOVUPS eagerExpC<>+160(SB), Y9

// EXP8 sets Y7 = exp(Y0) lane by lane, the method of eagerExpf (Cephes
// expf) with FMA: x = k ln2 + r with k = floor(x log2e + 0.5), e**r =
// 1 + r + r**2 p(r), times 2**k through the exponent bits. x > hi gives
// +Inf, x < lo gives 0 (lo keeps 2**(k-1) a normal float32: k is in
// [-125, 128]), NaN stays NaN. It reads Y0 and Y9-Y13 and overwrites Y1-Y7.
#define EXP8 \
	VCMPPS       $0x03, Y0, Y0, Y1; \
	VCMPPS       $0x1e, Y13, Y0, Y2; \
	VCMPPS       $0x11, Y12, Y0, Y3; \
	VMINPS       Y13, Y0, Y4; \
	VMAXPS       Y12, Y4, Y4; \
	VMOVUPS      eagerExpC<>+96(SB), Y5; \
	VFMADD231PS  Y11, Y4, Y5; \
	VROUNDPS     $1, Y5, Y5; \
	VFNMADD231PS eagerExpC<>+192(SB), Y5, Y4; \
	VFNMADD231PS eagerExpC<>+224(SB), Y5, Y4; \
	VMULPS       Y4, Y4, Y6; \
	VMOVUPS      eagerExpC<>+256(SB), Y7; \
	VFMADD213PS  eagerExpC<>+288(SB), Y4, Y7; \
	VFMADD213PS  eagerExpC<>+320(SB), Y4, Y7; \
	VFMADD213PS  eagerExpC<>+352(SB), Y4, Y7; \
	VFMADD213PS  eagerExpC<>+384(SB), Y4, Y7; \
	VFMADD213PS  eagerExpC<>+416(SB), Y4, Y7; \
	VFMADD213PS  Y4, Y6, Y7; \
	VADDPS       Y10, Y7, Y7; \
	VADDPS       Y7, Y7, Y7; \
	VCVTPS2DQ    Y5, Y5; \
	VPADDD       eagerExpC<>+704(SB), Y5, Y5; \
	VPSLLD       $23, Y5, Y5; \
	VMULPS       Y5, Y7, Y7; \
	VBLENDVPS    Y2, Y9, Y7, Y7; \
	VANDNPS      Y7, Y3, Y7; \
	VBLENDVPS    Y1, Y0, Y7, Y7

// func eagerExpAVX2(dst, src *float32, n int, shift float32) (sum float32)
//
// dst[i] = exp(src[i] - shift); returns the sum of the results (eight lanes
// added in order, then across).
TEXT ·eagerExpAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	VXORPS       Y14, Y14, Y14
	EXPCONST

exploop:
	CMPQ    CX, $0
	JLE     expdone
	VMOVUPS (SI), Y0
	VSUBPS  Y15, Y0, Y0
	EXP8
	VMOVUPS Y7, (DI)
	VADDPS  Y7, Y14, Y14
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     exploop

expdone:
	VEXTRACTF128 $1, Y14, X0
	VADDPS       X14, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, sum+32(FP)
	RET

// func eagerSigmoidAVX2(dst, src *float32, n int, mode int)
//
// With t = x (mode 0 and 1) or t = x (g0 + g1 x**2) (mode 2) and
// z = exp(-|t|): sigmoid(t) = (t < 0 ? z : 1) / (1 + z), no exponential
// overflows. Mode 0 stores sigmoid(t), modes 1 (SiLU) and 2 (GELU) store
// x sigmoid(t).
TEXT ·eagerSigmoidAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ mode+24(FP), R8
	EXPCONST

sigloop:
	CMPQ    CX, $0
	JLE     sigdone
	VMOVUPS (SI), Y8
	VMOVAPS Y8, Y14
	CMPQ    R8, $2
	JNE     sigarg
	VMULPS      Y8, Y8, Y0
	VMOVUPS     eagerExpC<>+480(SB), Y1
	VFMADD213PS eagerExpC<>+448(SB), Y0, Y1
	VMULPS      Y8, Y1, Y14

sigarg:
	VORPS     eagerExpC<>+736(SB), Y14, Y0
	EXP8
	VADDPS    Y10, Y7, Y6
	VBLENDVPS Y14, Y7, Y10, Y5
	VDIVPS    Y6, Y5, Y5
	CMPQ      R8, $0
	JEQ       sigstore
	VMULPS    Y8, Y5, Y5

sigstore:
	VMOVUPS Y5, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     sigloop

sigdone:
	VZEROUPPER
	RET

// func eagerTanhAVX2(dst, src *float32, n int)
//
// tanh x = the odd polynomial of eagerTanhf for |x| < 0.625, else
// sign(x) (1 - z)/(1 + z) with z = exp(-2|x|).
TEXT ·eagerTanhAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	EXPCONST

tanhloop:
	CMPQ    CX, $0
	JLE     tanhdone
	VMOVUPS (SI), Y8
	VORPS   eagerExpC<>+736(SB), Y8, Y0
	VADDPS  Y0, Y0, Y0
	EXP8
	VSUBPS  Y7, Y10, Y5
	VADDPS  Y7, Y10, Y6
	VDIVPS  Y6, Y5, Y5
	VANDPS  eagerExpC<>+736(SB), Y8, Y4
	VORPS   Y4, Y5, Y5

	VMULPS      Y8, Y8, Y4
	VMOVUPS     eagerExpC<>+544(SB), Y3
	VFMADD213PS eagerExpC<>+576(SB), Y4, Y3
	VFMADD213PS eagerExpC<>+608(SB), Y4, Y3
	VFMADD213PS eagerExpC<>+640(SB), Y4, Y3
	VFMADD213PS eagerExpC<>+672(SB), Y4, Y3
	VMULPS      Y4, Y3, Y3
	VFMADD213PS Y8, Y8, Y3

	VANDPS    eagerExpC<>+768(SB), Y8, Y2
	VCMPPS    $0x11, eagerExpC<>+512(SB), Y2, Y2
	VBLENDVPS Y2, Y3, Y5, Y5
	VMOVUPS   Y5, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	SUBQ      $8, CX
	JMP       tanhloop

tanhdone:
	VZEROUPPER
	RET

// func eagerMaxAVX2(src *float32, n int) (m float32, nan bool)
//
// m = the largest of src[:n], n a positive multiple of 8; nan reports
// whether any element is NaN (VMAXPS alone would drop NaN lanes).
TEXT ·eagerMaxAVX2(SB), NOSPLIT, $0-21
	MOVQ    src+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS (SI), Y0
	VCMPPS  $0x03, Y0, Y0, Y1
	ADDQ    $32, SI
	SUBQ    $8, CX

maxloop:
	CMPQ    CX, $0
	JLE     maxdone
	VMOVUPS (SI), Y2
	VCMPPS  $0x03, Y2, Y2, Y3
	VORPS   Y3, Y1, Y1
	VMAXPS  Y2, Y0, Y0
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     maxloop

maxdone:
	VEXTRACTF128 $1, Y0, X2
	VMAXPS       X2, X0, X0
	VPERMILPS    $0x4e, X0, X2
	VMAXPS       X2, X0, X0
	VPERMILPS    $0xb1, X0, X2
	VMAXPS       X2, X0, X0
	MOVSS        X0, m+16(FP)
	VMOVMSKPS    Y1, AX
	TESTL        AX, AX
	SETNE        nan+20(FP)
	VZEROUPPER
	RET
