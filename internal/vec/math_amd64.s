//go:build amd64 && !purego

#include "textflag.h"

// Transcendental kernels, 8 float32 lanes at a time with FMA. Constants live in 32-byte
// vectors so they fold into the arithmetic as memory operands instead of occupying
// registers. Loops: one vector per iteration; the last n%8 elements take one more trip
// through the same code (label body) with a masked load and store, so tails get exactly
// the same arithmetic as the rest. Y0-Y14 only (X15 is Go's zero register).
//
// Polynomials: exp, log and tanh use the single-precision minimax coefficients of
// S. L. Moshier's Cephes library (expf.c, logf.c, tanhf.c), evaluated with FMA.

#define VCONST(name, bits) \
	DATA name<>+0(SB)/4, $bits; DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VCONST(one, 0x3f800000)      // 1.0, also 127<<23: the exponent bias in place
VCONST(signbit, 0x80000000)
VCONST(absmask, 0x7fffffff)
VCONST(expHi, 0x42b20000)    // 89: above ln(MaxFloat32) = 88.72284, so clamping keeps +Inf
VCONST(expLo, 0xc2d00000)    // -104: below ln(2^-150) = -103.97208, so clamping keeps 0
VCONST(log2e, 0x3fb8aa3b)
VCONST(magic, 0x4b400000)    // 1.5*2^23: adding it rounds to an integer held in the low bits
VCONST(ln2Hi, 0x3f317218)    // ln 2 rounded to float32
VCONST(ln2Lo, 0xb102e308)    // ln 2 - ln2Hi
VCONST(expP0, 0x39506967)    // 1.9875691500e-4
VCONST(expP1, 0x3ab743ce)    // 1.3981999507e-3
VCONST(expP2, 0x3c088908)    // 8.3334519073e-3
VCONST(expP3, 0x3d2aa9c1)    // 4.1665795894e-2
VCONST(expP4, 0x3e2aaaaa)    // 1.6666665459e-1
VCONST(expP5, 0x3f000000)    // 5.0000001201e-1 (rounds to 0.5)
VCONST(sqrtHalf, 0x3f3504f3) // float32(sqrt(1/2))
VCONST(mantMask, 0x007fffff)
VCONST(minNorm, 0x00800000)  // smallest normal float32, 2^-126
VCONST(two23, 0x4b000000)    // 2^23: scales subnormals to normals
VCONST(c23, 0x41b80000)      // 23.0
VCONST(posInf, 0x7f800000)
VCONST(negInf, 0xff800000)
VCONST(qnan, 0x7fc00000)
VCONST(negHalf, 0xbf000000)
VCONST(logP0, 0x3d9021bb)    // 7.0376836292e-2
VCONST(logP1, 0xbdebd1b8)    // -1.1514610310e-1
VCONST(logP2, 0x3def251a)    // 1.1676998740e-1
VCONST(logP3, 0xbdfe5d4f)    // -1.2420140846e-1
VCONST(logP4, 0x3e11e9bf)    // 1.4249322787e-1
VCONST(logP5, 0xbe2aae50)    // -1.6668057665e-1
VCONST(logP6, 0x3e4cceac)    // 2.0000714765e-1
VCONST(logP7, 0xbe7ffffc)    // -2.4999993993e-1
VCONST(logP8, 0x3eaaaaaa)    // 3.3333331174e-1
VCONST(negTwo, 0xc0000000)
VCONST(tanhMax, 0x41180000)  // 9.5: tanh rounds to 1 from 9.01 on
VCONST(tanhSmall, 0x3f200000) // 0.625: below it the odd polynomial, above it the exp form
VCONST(tanhP0, 0xbbbaf0ea)   // -5.70498872745e-3
VCONST(tanhP1, 0x3ca9134e)   // 2.06390887954e-2
VCONST(tanhP2, 0xbd5c1e2d)   // -5.37397155531e-2
VCONST(tanhP3, 0x3e088393)   // 1.33314422036e-1
VCONST(tanhP4, 0xbeaaaa99)   // -3.33332819422e-1

// tailmask<>+32-4*r holds r all-ones dwords followed by zeros (r = 0..8).
DATA tailmask<>+0(SB)/8, $-1
DATA tailmask<>+8(SB)/8, $-1
DATA tailmask<>+16(SB)/8, $-1
DATA tailmask<>+24(SB)/8, $-1
DATA tailmask<>+32(SB)/8, $0
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// TAILMASK32 loads into y the mask of the first r float32 lanes; clobbers r and t.
#define TAILMASK32(r, t, y) \
	SHLQ    $2, r; \
	LEAQ    tailmask<>+32(SB), t; \
	SUBQ    r, t; \
	VMOVDQU (t), y

// EXP_Q: for u in Y0, n = round(u log2e) as an int32 in Y1 and q = e^r - 1 in Y3, where
// u = n ln2 + r, |r| <= ln2/2, so e^u = 2^n (1 + q). Callers bound u so that the scale
// factors they build from n stay normal. Clobbers Y0, Y2, Y4.
//
// n comes from adding 1.5*2^23, which rounds u log2e to an integer held in the low mantissa
// bits. The FMA makes u - n*ln2Hi exact (n has at most 8 bits, and the difference is a
// multiple of ulp(u), or of 2^-25 below 1/2, smaller than 1/2), and ln2Lo supplies the next 24
// bits of ln 2. q = r + r^2 P(r) keeps the leading term exact.
#define EXP_Q \
	VMOVUPS      magic<>(SB), Y1; \
	VFMADD231PS  log2e<>(SB), Y0, Y1; \
	VSUBPS       magic<>(SB), Y1, Y2; \
	VFNMADD231PS ln2Hi<>(SB), Y2, Y0; \
	VFNMADD231PS ln2Lo<>(SB), Y2, Y0; \
	VMOVUPS      expP0<>(SB), Y3; \
	VFMADD213PS  expP1<>(SB), Y0, Y3; \
	VFMADD213PS  expP2<>(SB), Y0, Y3; \
	VFMADD213PS  expP3<>(SB), Y0, Y3; \
	VFMADD213PS  expP4<>(SB), Y0, Y3; \
	VFMADD213PS  expP5<>(SB), Y0, Y3; \
	VMULPS       Y0, Y0, Y4; \
	VFMADD213PS  Y0, Y4, Y3; \
	VPSUBD       magic<>(SB), Y1, Y1

// EXP_CORE: Y0 = e^Y0. Needs Y12 = expLo, Y13 = expHi; clobbers Y1-Y4.
//
// x is clamped with x as VMINPS/VMAXPS's second source, which they return for NaN, so NaN
// flows through r into the result. 2^n is applied as 2^(n>>1) * 2^(n-(n>>1)): both factors
// are normal for every n in [-150, 129], so results that overflow become +Inf and subnormal
// results are rounded once, by the last multiplication.
#define EXP_CORE \
	VMINPS  Y0, Y13, Y0; \
	VMAXPS  Y0, Y12, Y0; \
	EXP_Q; \
	VADDPS  one<>(SB), Y3, Y3; \
	VPSRAD  $1, Y1, Y2; \
	VPSUBD  Y2, Y1, Y1; \
	VPSLLD  $23, Y2, Y2; \
	VPSLLD  $23, Y1, Y1; \
	VPADDD  one<>(SB), Y2, Y2; \
	VPADDD  one<>(SB), Y1, Y1; \
	VMULPS  Y2, Y3, Y3; \
	VMULPS  Y1, Y3, Y0

// EXP_HILO: e^Y0 as Y0 + Y5 (hi + lo), for callers that need more than a float32 of it;
// same algorithm as EXP_CORE, but 1 + q (q = r + r^2 P) is split exactly by Fast2Sum
// instead of rounded, and both halves are scaled. Needs Y12, Y13; clobbers Y1-Y4, Y6.
#define EXP_HILO \
	VMINPS       Y0, Y13, Y0; \
	VMAXPS       Y0, Y12, Y0; \
	VMOVUPS      magic<>(SB), Y1; \
	VFMADD231PS  log2e<>(SB), Y0, Y1; \
	VSUBPS       magic<>(SB), Y1, Y2; \
	VFNMADD231PS ln2Hi<>(SB), Y2, Y0; \
	VFNMADD231PS ln2Lo<>(SB), Y2, Y0; \
	VMOVUPS      expP0<>(SB), Y3; \
	VFMADD213PS  expP1<>(SB), Y0, Y3; \
	VFMADD213PS  expP2<>(SB), Y0, Y3; \
	VFMADD213PS  expP3<>(SB), Y0, Y3; \
	VFMADD213PS  expP4<>(SB), Y0, Y3; \
	VFMADD213PS  expP5<>(SB), Y0, Y3; \
	VMULPS       Y0, Y0, Y4; \
	VFMADD213PS  Y0, Y4, Y3; \
	VADDPS       one<>(SB), Y3, Y6; \
	VSUBPS       one<>(SB), Y6, Y4; \
	VSUBPS       Y4, Y3, Y5; \
	VPSUBD       magic<>(SB), Y1, Y1; \
	VPSRAD       $1, Y1, Y2; \
	VPSUBD       Y2, Y1, Y1; \
	VPSLLD       $23, Y2, Y2; \
	VPSLLD       $23, Y1, Y1; \
	VPADDD       one<>(SB), Y2, Y2; \
	VPADDD       one<>(SB), Y1, Y1; \
	VMULPS       Y2, Y6, Y6; \
	VMULPS       Y1, Y6, Y0; \
	VMULPS       Y2, Y5, Y5; \
	VMULPS       Y1, Y5, Y5

// LOG_REDUCE: from a positive normal x in Y0, Y1 = f = m - 1 and Y2 = k (float) with
// x = 2^k m, m in [sqrt(1/2), sqrt(2)). Subtracting the bits of sqrt(1/2) first makes the
// arithmetic shift produce k directly; f is exact (Sterbenz).
#define LOG_REDUCE \
	VPSUBD    sqrtHalf<>(SB), Y0, Y1; \
	VPSRAD    $23, Y1, Y2; \
	VPAND     mantMask<>(SB), Y1, Y1; \
	VPADDD    sqrtHalf<>(SB), Y1, Y1; \
	VCVTDQ2PS Y2, Y2; \
	VSUBPS    one<>(SB), Y1, Y1

// LOG_POLY: Y0 = k ln2 + f - f^2/2 + f^3 P(f) from Y1 = f, Y2 = k; clobbers Y3-Y5. The
// small terms are summed first and k*ln2Hi is added last by an FMA (k*ln2Hi is exact inside
// it), so the result is rounded essentially once more than log(m).
#define LOG_POLY \
	VMOVUPS     logP0<>(SB), Y3; \
	VFMADD213PS logP1<>(SB), Y1, Y3; \
	VFMADD213PS logP2<>(SB), Y1, Y3; \
	VFMADD213PS logP3<>(SB), Y1, Y3; \
	VFMADD213PS logP4<>(SB), Y1, Y3; \
	VFMADD213PS logP5<>(SB), Y1, Y3; \
	VFMADD213PS logP6<>(SB), Y1, Y3; \
	VFMADD213PS logP7<>(SB), Y1, Y3; \
	VFMADD213PS logP8<>(SB), Y1, Y3; \
	VMULPS      Y1, Y1, Y4; \
	VMULPS      Y1, Y3, Y3; \
	VMULPS      negHalf<>(SB), Y4, Y5; \
	VFMADD213PS Y5, Y4, Y3; \
	VFMADD231PS ln2Lo<>(SB), Y2, Y3; \
	VADDPS      Y1, Y3, Y3; \
	VFMADD231PS ln2Hi<>(SB), Y2, Y3; \
	VMOVAPS     Y3, Y0

// LOOP_START/LOOP_NEXT frame the one-vector-per-iteration loops of the unary kernels: DI =
// dst, SI = a, CX = n are loaded; the code between them (from label body) maps Y0 in place.
// R11 != 0 marks the masked tail pass, Y14 holds its mask.
#define LOOP_START \
	MOVQ CX, R10; \
	ANDQ $-8, R10; \
	XORQ AX, AX; \
	XORQ R11, R11; \
loop: \
	CMPQ    AX, R10; \
	JAE     tail; \
	VMOVUPS (SI)(AX*4), Y0

#define LOOP_NEXT \
	TESTQ   R11, R11; \
	JNZ     lasttail; \
	VMOVUPS Y0, (DI)(AX*4); \
	ADDQ    $8, AX; \
	JMP     loop; \
tail: \
	ANDQ       $7, CX; \
	JZ         done; \
	TAILMASK32(CX, BX, Y14); \
	VMASKMOVPS (SI)(AX*4), Y14, Y0; \
	MOVQ       $1, R11; \
	JMP        body; \
lasttail: \
	VMASKMOVPS Y0, Y14, (DI)(AX*4); \
done: \
	VZEROUPPER; \
	RET

// func expF32AVX2(dst, a []float32)
TEXT ·expF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    a_base+24(FP), SI
	VMOVUPS expLo<>(SB), Y12
	VMOVUPS expHi<>(SB), Y13
	LOOP_START

body:
	EXP_CORE
	LOOP_NEXT

// func logF32AVX2(dst, a []float32)
//
// Vectors holding anything but positive normal finite numbers (rare) take the slow path,
// which scales subnormals by 2^23 and patches ±0, negatives, +Inf and NaN afterwards.
TEXT ·logF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    a_base+24(FP), SI
	VMOVUPS minNorm<>(SB), Y12
	VMOVUPS posInf<>(SB), Y13
	LOOP_START

body:
	VCMPPS    $9, Y12, Y0, Y1 // !(x >= 2^-126), true for NaN
	VCMPPS    $5, Y13, Y0, Y2 // !(x < +Inf), true for NaN
	VORPS     Y2, Y1, Y1
	VMOVMSKPS Y1, BX
	TESTL     BX, BX
	JNZ       slow
	LOG_REDUCE
	LOG_POLY

next:
	LOOP_NEXT

slow:
	VMOVAPS   Y0, Y8
	VCMPPS    $1, Y12, Y0, Y7    // x < 2^-126 (ordered)
	VMULPS    two23<>(SB), Y0, Y6
	VBLENDVPS Y7, Y6, Y0, Y0
	LOG_REDUCE
	VANDPS    c23<>(SB), Y7, Y6
	VSUBPS    Y6, Y2, Y2         // k -= 23 where scaled
	LOG_POLY
	VXORPS    Y6, Y6, Y6
	VCMPPS    $0, Y6, Y8, Y7     // x == ±0
	VBLENDVPS Y7, negInf<>(SB), Y0, Y0
	VCMPPS    $1, Y6, Y8, Y7     // x < 0, -Inf included
	VBLENDVPS Y7, qnan<>(SB), Y0, Y0
	VCMPPS    $5, Y13, Y8, Y7    // x = +Inf or NaN
	VADDPS    Y8, Y8, Y6         // +Inf stays, NaN is quieted
	VBLENDVPS Y7, Y6, Y0, Y0
	JMP       next

// func tanhF32AVX2(dst, a []float32)
//
// |x| < 0.625: |x| + |x|^3 P(x^2), no cancellation near 0. Otherwise (1-e)/(1+e) with
// e = e^(-2|x|) = s (1+q), s = 2^n from EXP_Q; |x| is clamped to 9.5, beyond which tanh rounds
// to 1, so n >= -28 and s is normal. e is kept as e_hi + e_lo (Fast2Sum of s and the exact
// s*q), and 1+e as d_hi + d_lo (Fast2Sum with 1 >= e_hi): 1+e lies in [1, 1.3), where float32
// spacing is twice the result's, so rounding it would cost up to a whole ulp. The numerator
// (1 - e_hi) - e_lo lies in (0.7, 1] on the result's grid. The quotient y0 = num/d_hi gets one
// correction: num - y0*d_hi is exact with an FMA, and the 12-bit VRCPPS reciprocal is plenty
// for the tiny r/d. Both branches are computed and blended (NaN takes the polynomial, which
// propagates it); the sign is copied back last.
TEXT ·tanhF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    a_base+24(FP), SI
	VMOVUPS one<>(SB), Y11
	LOOP_START

body:
	VANDPS       absmask<>(SB), Y0, Y9       // |x|
	VXORPS       Y9, Y0, Y10                 // sign of x
	VMINPS       tanhMax<>(SB), Y9, Y0
	VMULPS       negTwo<>(SB), Y0, Y0
	EXP_Q
	VPSLLD       $23, Y1, Y1
	VPADDD       Y11, Y1, Y1                 // s = 2^n
	VMULPS       Y3, Y1, Y3                  // s*q, exact
	VADDPS       Y3, Y1, Y2                  // e_hi = s + s*q
	VSUBPS       Y1, Y2, Y1
	VSUBPS       Y1, Y3, Y3                  // e_lo = s*q - (e_hi - s), exact
	VADDPS       Y11, Y2, Y6                 // d_hi = 1 + e_hi
	VSUBPS       Y11, Y6, Y4
	VSUBPS       Y4, Y2, Y4
	VADDPS       Y3, Y4, Y4                  // d_lo = (e_hi - (d_hi - 1)) + e_lo
	VSUBPS       Y2, Y11, Y2
	VSUBPS       Y3, Y2, Y2                  // num = (1 - e_hi) - e_lo
	VDIVPS       Y6, Y2, Y1                  // y0 = num / d_hi
	VFNMADD231PS Y1, Y6, Y2                  // num - y0*d_hi, exact
	VFNMADD231PS Y1, Y4, Y2                  // r = num - y0*d
	VRCPPS       Y6, Y7
	VFMADD231PS  Y7, Y2, Y1                  // y0 + r/d_hi
	VMULPS       Y9, Y9, Y8
	VMOVUPS      tanhP0<>(SB), Y5
	VFMADD213PS  tanhP1<>(SB), Y8, Y5
	VFMADD213PS  tanhP2<>(SB), Y8, Y5
	VFMADD213PS  tanhP3<>(SB), Y8, Y5
	VFMADD213PS  tanhP4<>(SB), Y8, Y5
	VMULPS       Y8, Y5, Y5
	VFMADD213PS  Y9, Y9, Y5                  // |x| + |x| * x^2 P(x^2)
	VCMPPS       $9, tanhSmall<>(SB), Y9, Y2 // !(|x| >= 0.625), true for NaN
	VBLENDVPS    Y2, Y5, Y1, Y0
	VORPS        Y10, Y0, Y0
	LOOP_NEXT

// func sigmoidF32AVX2(dst, a []float32)
//
// With e = e^-|x| in (0, 1] nothing overflows: 1/(1+e) for x >= 0 and e/(1+e) for x < 0,
// which keeps full relative accuracy down to the subnormal range instead of computing
// 1 - 1/(1+e^x). Rounding e and 1+e and then dividing would cost up to 2.5 ulp, so e is
// kept as e_hi + e_lo (EXP_HILO), 1+e as d_hi + d_lo (Fast2Sum, exact since 1 >= e_hi), and
// the quotient y0 = num_hi/d_hi gets one correction step: its remainder num_hi - y0*d_hi is
// exact with an FMA, and the correction r/d is tiny, so the 12-bit VRCPPS reciprocal suffices.
// What is left is e's polynomial error and one rounding.
TEXT ·sigmoidF32AVX2(SB), NOSPLIT, $0-48
	MOVQ    dst_base+0(FP), DI
	MOVQ    dst_len+8(FP), CX
	MOVQ    a_base+24(FP), SI
	VMOVUPS expLo<>(SB), Y12
	VMOVUPS expHi<>(SB), Y13
	VMOVUPS one<>(SB), Y11
	LOOP_START

body:
	VMOVAPS      Y0, Y8
	VORPS        signbit<>(SB), Y0, Y0 // -|x|
	EXP_HILO
	VADDPS       Y11, Y0, Y1           // d_hi = 1 + e_hi
	VSUBPS       Y11, Y1, Y2
	VSUBPS       Y2, Y0, Y2
	VADDPS       Y5, Y2, Y2            // d_lo = (e_hi - (d_hi - 1)) + e_lo
	VBLENDVPS    Y8, Y0, Y11, Y3       // num_hi = x < 0 ? e_hi : 1 (the sign bit selects)
	VPSRAD       $31, Y8, Y6
	VANDPS       Y6, Y5, Y4            // num_lo = x < 0 ? e_lo : 0
	VDIVPS       Y1, Y3, Y0            // y0
	VFNMADD231PS Y0, Y1, Y3            // num_hi - y0*d_hi, exact
	VADDPS       Y4, Y3, Y3
	VFNMADD231PS Y0, Y2, Y3            // r = num - y0*d
	VRCPPS       Y1, Y7
	VFMADD231PS  Y7, Y3, Y0            // y0 + r/d_hi
	LOOP_NEXT

// func expSubSumF32AVX2(dst, a []float32, c float32) float64
//
// dst = e^(a-c) and the float64 sum of dst: the terms are widened and added into two
// 4-lane float64 accumulators, so the sum of a long row loses nothing to float32 rounding.
TEXT ·expSubSumF32AVX2(SB), NOSPLIT, $0-64
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	MOVQ         a_base+24(FP), SI
	VBROADCASTSS c+48(FP), Y10
	VMOVUPS      expLo<>(SB), Y12
	VMOVUPS      expHi<>(SB), Y13
	VXORPD       Y8, Y8, Y8
	VXORPD       Y9, Y9, Y9
	MOVQ         CX, R10
	ANDQ         $-8, R10
	XORQ         AX, AX
	XORQ         R11, R11

loop:
	CMPQ    AX, R10
	JAE     tail
	VMOVUPS (SI)(AX*4), Y0

body:
	VSUBPS       Y10, Y0, Y0
	EXP_CORE
	TESTQ        R11, R11
	JNZ          lasttail
	VMOVUPS      Y0, (DI)(AX*4)
	VCVTPS2PD    X0, Y5
	VEXTRACTF128 $1, Y0, X6
	VCVTPS2PD    X6, Y6
	VADDPD       Y5, Y8, Y8
	VADDPD       Y6, Y9, Y9
	ADDQ         $8, AX
	JMP          loop

tail:
	ANDQ       $7, CX
	JZ         done
	TAILMASK32(CX, BX, Y14)
	VMASKMOVPS (SI)(AX*4), Y14, Y0
	MOVQ       $1, R11
	JMP        body

lasttail:
	VMASKMOVPS   Y0, Y14, (DI)(AX*4)
	VANDPS       Y14, Y0, Y0 // the masked-off lanes hold e^(0-c)
	VCVTPS2PD    X0, Y5
	VEXTRACTF128 $1, Y0, X6
	VCVTPS2PD    X6, Y6
	VADDPD       Y5, Y8, Y8
	VADDPD       Y6, Y9, Y9

done:
	VADDPD       Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VADDPD       X9, X8, X8
	VUNPCKHPD    X8, X8, X9
	VADDSD       X9, X8, X8
	VMOVSD       X8, ret+56(FP)
	VZEROUPPER
	RET

// func expSumF32AVX2(a []float32, c float32) float64
TEXT ·expSumF32AVX2(SB), NOSPLIT, $0-40
	MOVQ         a_base+0(FP), SI
	MOVQ         a_len+8(FP), CX
	VBROADCASTSS c+24(FP), Y10
	VMOVUPS      expLo<>(SB), Y12
	VMOVUPS      expHi<>(SB), Y13
	VXORPD       Y8, Y8, Y8
	VXORPD       Y9, Y9, Y9
	MOVQ         CX, R10
	ANDQ         $-8, R10
	XORQ         AX, AX
	XORQ         R11, R11

loop:
	CMPQ    AX, R10
	JAE     tail
	VMOVUPS (SI)(AX*4), Y0

body:
	VSUBPS       Y10, Y0, Y0
	EXP_CORE
	TESTQ        R11, R11
	JZ           accumulate
	VANDPS       Y14, Y0, Y0

accumulate:
	VCVTPS2PD    X0, Y5
	VEXTRACTF128 $1, Y0, X6
	VCVTPS2PD    X6, Y6
	VADDPD       Y5, Y8, Y8
	VADDPD       Y6, Y9, Y9
	TESTQ        R11, R11
	JNZ          done
	ADDQ         $8, AX
	JMP          loop

tail:
	ANDQ       $7, CX
	JZ         done
	TAILMASK32(CX, BX, Y14)
	VMASKMOVPS (SI)(AX*4), Y14, Y0
	MOVQ       $1, R11
	JMP        body

done:
	VADDPD       Y9, Y8, Y8
	VEXTRACTF128 $1, Y8, X9
	VADDPD       X9, X8, X8
	VUNPCKHPD    X8, X8, X9
	VADDSD       X9, X8, X8
	VMOVSD       X8, ret+32(FP)
	VZEROUPPER
	RET
