//go:build amd64

#include "textflag.h"

// Packing helpers for the AVX2 GEMM path (gemm_pack_amd64.go). The transposes move four (two)
// source rows into interleaved groups with 4×4 (2×2) shuffles, four k steps per iteration,
// instead of one scalar load and store per element as the Go loops do.

// func gemmTranspose4F32(dst, src *float32, ld, ds, kc int)
// dst[p*ds + i] = src[i*ld + p] for i < 4, p < kc.
TEXT ·gemmTranspose4F32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ ds+24(FP), R9
	SHLQ $2, R9
	MOVQ kc+32(FP), CX
	LEAQ (SI)(R8*1), R10
	LEAQ (SI)(R8*2), R11
	LEAQ (R10)(R8*2), R12
	LEAQ (R9)(R9*2), R13
	XORQ AX, AX

t4f32_loop:
	CMPQ CX, $4
	JLT  t4f32_tail
	MOVUPS (SI)(AX*1), X0
	MOVUPS (R10)(AX*1), X1
	MOVUPS (R11)(AX*1), X2
	MOVUPS (R12)(AX*1), X3
	MOVAPS X0, X4
	UNPCKLPS X1, X4 // r0p0 r1p0 r0p1 r1p1
	UNPCKHPS X1, X0 // r0p2 r1p2 r0p3 r1p3
	MOVAPS X2, X5
	UNPCKLPS X3, X5 // r2p0 r3p0 r2p1 r3p1
	UNPCKHPS X3, X2 // r2p2 r3p2 r2p3 r3p3
	MOVAPS X4, X1
	MOVLHPS X5, X1  // column p0
	MOVHLPS X4, X5  // column p1
	MOVAPS X0, X3
	MOVLHPS X2, X3  // column p2
	MOVHLPS X0, X2  // column p3
	MOVUPS X1, (DI)
	MOVUPS X5, (DI)(R9*1)
	MOVUPS X3, (DI)(R9*2)
	MOVUPS X2, (DI)(R13*1)
	LEAQ (DI)(R9*4), DI
	ADDQ $16, AX
	SUBQ $4, CX
	JMP  t4f32_loop

t4f32_tail:
	TESTQ CX, CX
	JEQ   t4f32_done

t4f32_one:
	MOVL (SI)(AX*1), DX
	MOVL DX, (DI)
	MOVL (R10)(AX*1), DX
	MOVL DX, 4(DI)
	MOVL (R11)(AX*1), DX
	MOVL DX, 8(DI)
	MOVL (R12)(AX*1), DX
	MOVL DX, 12(DI)
	ADDQ R9, DI
	ADDQ $4, AX
	DECQ CX
	JNE  t4f32_one

t4f32_done:
	RET

// func gemmTranspose2F32(dst, src *float32, ld, ds, kc int)
// dst[p*ds + i] = src[i*ld + p] for i < 2, p < kc.
TEXT ·gemmTranspose2F32(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $2, R8
	MOVQ ds+24(FP), R9
	SHLQ $2, R9
	MOVQ kc+32(FP), CX
	LEAQ (SI)(R8*1), R10
	LEAQ (R9)(R9*2), R13
	XORQ AX, AX

t2f32_loop:
	CMPQ CX, $4
	JLT  t2f32_tail
	MOVUPS (SI)(AX*1), X0
	MOVUPS (R10)(AX*1), X1
	MOVAPS X0, X2
	UNPCKLPS X1, X2 // r0p0 r1p0 r0p1 r1p1
	UNPCKHPS X1, X0 // r0p2 r1p2 r0p3 r1p3
	MOVLPS X2, (DI)
	MOVHPS X2, (DI)(R9*1)
	MOVLPS X0, (DI)(R9*2)
	MOVHPS X0, (DI)(R13*1)
	LEAQ (DI)(R9*4), DI
	ADDQ $16, AX
	SUBQ $4, CX
	JMP  t2f32_loop

t2f32_tail:
	TESTQ CX, CX
	JEQ   t2f32_done

t2f32_one:
	MOVL (SI)(AX*1), DX
	MOVL DX, (DI)
	MOVL (R10)(AX*1), DX
	MOVL DX, 4(DI)
	ADDQ R9, DI
	ADDQ $4, AX
	DECQ CX
	JNE  t2f32_one

t2f32_done:
	RET

// func gemmTranspose2F64(dst, src *float64, ld, ds, kc int)
// dst[p*ds + i] = src[i*ld + p] for i < 2, p < kc.
TEXT ·gemmTranspose2F64(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $3, R8
	MOVQ ds+24(FP), R9
	SHLQ $3, R9
	MOVQ kc+32(FP), CX
	LEAQ (SI)(R8*1), R10
	XORQ AX, AX

t2f64_loop:
	CMPQ CX, $2
	JLT  t2f64_tail
	MOVUPD (SI)(AX*1), X0
	MOVUPD (R10)(AX*1), X1
	MOVAPD X0, X2
	UNPCKLPD X1, X2 // r0p0 r1p0
	UNPCKHPD X1, X0 // r0p1 r1p1
	MOVUPD X2, (DI)
	MOVUPD X0, (DI)(R9*1)
	LEAQ (DI)(R9*2), DI
	ADDQ $16, AX
	SUBQ $2, CX
	JMP  t2f64_loop

t2f64_tail:
	TESTQ CX, CX
	JEQ   t2f64_done
	MOVQ (SI)(AX*1), DX
	MOVQ DX, (DI)
	MOVQ (R10)(AX*1), DX
	MOVQ DX, 8(DI)

t2f64_done:
	RET

// func gemmCopyRows(dst, src *byte, ld, width, rows int)
// Copies rows runs of width bytes (24, 48 or 64), ld bytes apart in src, contiguously to dst.
TEXT ·gemmCopyRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), R8
	MOVQ width+24(FP), DX
	MOVQ rows+32(FP), CX
	TESTQ CX, CX
	JEQ   cr_done
	CMPQ DX, $64
	JEQ  cr_64
	CMPQ DX, $48
	JEQ  cr_48

cr_24:
	MOVUPS (SI), X0
	MOVQ   16(SI), AX
	MOVUPS X0, (DI)
	MOVQ   AX, 16(DI)
	ADDQ   R8, SI
	ADDQ   $24, DI
	DECQ   CX
	JNE    cr_24
	RET

cr_48:
	MOVUPS (SI), X0
	MOVUPS 16(SI), X1
	MOVUPS 32(SI), X2
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	MOVUPS X2, 32(DI)
	ADDQ   R8, SI
	ADDQ   $48, DI
	DECQ   CX
	JNE    cr_48
	RET

cr_64:
	MOVUPS (SI), X0
	MOVUPS 16(SI), X1
	MOVUPS 32(SI), X2
	MOVUPS 48(SI), X3
	MOVUPS X0, (DI)
	MOVUPS X1, 16(DI)
	MOVUPS X2, 32(DI)
	MOVUPS X3, 48(DI)
	ADDQ   R8, SI
	ADDQ   $64, DI
	DECQ   CX
	JNE    cr_64

cr_done:
	RET
