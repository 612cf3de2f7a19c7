//go:build amd64 && !purego

#include "textflag.h"

// All kernels handle n elements, n > 0 and a multiple of 16, with unaligned
// loads and stores, and end with VZEROUPPER so later SSE code in the caller
// pays no AVX transition penalty. Y0-Y14 only: X15 is Go's zero register.

DATA c3ff<>+0(SB)/4, $0x000003ff
GLOBL c3ff<>(SB), RODATA|NOPTR, $4
DATA c8000<>+0(SB)/4, $0x00008000
GLOBL c8000<>(SB), RODATA|NOPTR, $4
DATA c7c00<>+0(SB)/4, $0x00007c00
GLOBL c7c00<>(SB), RODATA|NOPTR, $4
DATA c7fff<>+0(SB)/4, $0x00007fff
GLOBL c7fff<>(SB), RODATA|NOPTR, $4
DATA c80000000<>+0(SB)/4, $0x80000000
GLOBL c80000000<>(SB), RODATA|NOPTR, $4
DATA c70000000<>+0(SB)/4, $0x70000000
GLOBL c70000000<>(SB), RODATA|NOPTR, $4
DATA c1<>+0(SB)/4, $0x00000001
GLOBL c1<>(SB), RODATA|NOPTR, $4
DATA c40<>+0(SB)/4, $0x00000040
GLOBL c40<>(SB), RODATA|NOPTR, $4

// NAN16 replaces the NaN lanes of dst (8 float16 from VCVTPS2PH of the
// float32 lanes in src) with NumPy's NaN: VCVTPS2PH quiets signalling NaNs,
// NumPy keeps the truncated payload as is and turns a zero payload into 1.
// Needs Y10 = 0x3ff, Y11 = 0x8000, Y12 = 0x7c00; clobbers Y5-Y7.
#define NAN16(src, dst) \
	VPSRLD    $13, src, Y5; \
	VPAND     Y10, Y5, Y5; \
	VPXOR     Y6, Y6, Y6; \
	VPCMPEQD  Y6, Y5, Y6; \
	VPSRLD    $31, Y6, Y6; \
	VPOR      Y6, Y5, Y5; \
	VPSRLD    $16, src, Y6; \
	VPAND     Y11, Y6, Y6; \
	VPOR      Y6, Y5, Y5; \
	VPOR      Y12, Y5, Y5; \
	VCMPPS    $3, src, src, Y7; \
	VPACKUSDW Y5, Y5, Y5; \
	VPERMQ    $0x08, Y5, Y5; \
	VPACKSSDW Y7, Y7, Y7; \
	VPERMQ    $0x08, Y7, Y7; \
	VPBLENDVB X7, X5, dst, dst

// func f32ToF16AVX2(dst *Float16, src *float32, n int)
TEXT ·f32ToF16AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VPBROADCASTD c3ff<>(SB), Y10
	VPBROADCASTD c8000<>(SB), Y11
	VPBROADCASTD c7c00<>(SB), Y12

f32tof16loop:
	VMOVUPS   (SI), Y0
	VMOVUPS   32(SI), Y1
	VCVTPS2PH $0, Y0, X2 // imm8 = 0: round to nearest even, not MXCSR.RC
	VCVTPS2PH $0, Y1, X3
	// NaNs are rare: one unordered compare covers both vectors, and only a
	// block that has one takes the fix-up branch.
	VCMPPS    $3, Y1, Y0, Y4
	VPTEST    Y4, Y4
	JNZ       f32tof16nan

f32tof16store:
	VMOVDQU X2, (DI)
	VMOVDQU X3, 16(DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	SUBQ    $16, CX
	JNZ     f32tof16loop
	VZEROUPPER
	RET

f32tof16nan:
	NAN16(Y0, X2)
	NAN16(Y1, X3)
	JMP f32tof16store

// NAN32 replaces the NaN lanes of dst (8 float32 from VCVTPH2PS of the
// float16 at mem) with the float16 widened bit by bit, as NumPy does: sign,
// all-ones exponent, payload << 13, without the quieting VCVTPH2PS applies.
// Needs Y8 = 0x7fff, Y9 = 0x70000000, Y13 = 0x80000000; clobbers Y5-Y7.
#define NAN32(mem, dst) \
	VPMOVZXWD mem, Y5; \
	VPSLLD    $16, Y5, Y6; \
	VPAND     Y13, Y6, Y6; \
	VPAND     Y8, Y5, Y5; \
	VPSLLD    $13, Y5, Y5; \
	VPADDD    Y9, Y5, Y5; \
	VPOR      Y6, Y5, Y5; \
	VCMPPS    $3, dst, dst, Y7; \
	VBLENDVPS Y7, Y5, dst, dst

// func f16ToF32AVX2(dst *float32, src *Float16, n int)
TEXT ·f16ToF32AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VPBROADCASTD c7fff<>(SB), Y8
	VPBROADCASTD c70000000<>(SB), Y9
	VPBROADCASTD c80000000<>(SB), Y13

f16tof32loop:
	VCVTPH2PS (SI), Y0
	VCVTPH2PS 16(SI), Y1
	VCMPPS    $3, Y1, Y0, Y4
	VPTEST    Y4, Y4
	JNZ       f16tof32nan

f16tof32store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $32, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     f16tof32loop
	VZEROUPPER
	RET

f16tof32nan:
	NAN32((SI), Y0)
	NAN32(16(SI), Y1)
	JMP f16tof32store

// BF16 rounds the 8 float32 in src to bfloat16 (ties to even) in the low
// 16 bits of each 32-bit lane of dst: (x + 0x7fff + (x>>16 & 1)) >> 16, and
// NaN lanes become (x>>16) | 0x40 so no NaN rounds into Inf.
// Needs Y10 = 1, Y11 = 0x7fff, Y12 = 0x40; clobbers Y4, Y5.
#define BF16(src, dst) \
	VPSRLD    $16, src, Y4; \
	VPAND     Y10, Y4, Y5; \
	VPADDD    Y11, src, dst; \
	VPADDD    Y5, dst, dst; \
	VPSRLD    $16, dst, dst; \
	VPOR      Y12, Y4, Y4; \
	VCMPPS    $3, src, src, Y5; \
	VBLENDVPS Y5, Y4, dst, dst

// func f32ToBF16AVX2(dst *BFloat16, src *float32, n int)
TEXT ·f32ToBF16AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VPBROADCASTD c1<>(SB), Y10
	VPBROADCASTD c7fff<>(SB), Y11
	VPBROADCASTD c40<>(SB), Y12

f32tobf16loop:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	BF16(Y0, Y2)
	BF16(Y1, Y3)
	// Every lane is <= 0xffff, so the saturating pack is exact; it packs
	// within 128-bit halves, and VPERMQ puts the quadwords back in order.
	VPACKUSDW Y3, Y2, Y2
	VPERMQ    $0xd8, Y2, Y2
	VMOVDQU   Y2, (DI)
	ADDQ      $64, SI
	ADDQ      $32, DI
	SUBQ      $16, CX
	JNZ       f32tobf16loop
	VZEROUPPER
	RET

// func bf16ToF32AVX2(dst *float32, src *BFloat16, n int)
TEXT ·bf16ToF32AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

bf16tof32loop:
	VPMOVZXWD (SI), Y0
	VPMOVZXWD 16(SI), Y1
	VPSLLD    $16, Y0, Y0
	VPSLLD    $16, Y1, Y1
	VMOVDQU   Y0, (DI)
	VMOVDQU   Y1, 32(DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $16, CX
	JNZ       bf16tof32loop
	VZEROUPPER
	RET
