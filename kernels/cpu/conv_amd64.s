//go:build amd64

#include "textflag.h"

// AVX2 kernels of the convolution and pooling code (conv_amd64.go): the scatter-adds of col2im
// and of the pooling gradients are streams of short vector additions that the Go compiler
// leaves scalar.

// func addF32AVX2(dst, src *float32, n int)
// dst[i] += src[i] for i < n.
TEXT ·addF32AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

f32by32:
	CMPQ CX, $32
	JLT  f32by8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VADDPS  64(SI), Y2, Y2
	VADDPS  96(SI), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     f32by32

f32by8:
	CMPQ CX, $8
	JLT  f32by1
	VMOVUPS (DI), Y0
	VADDPS  (SI), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     f32by8

f32by1:
	TESTQ CX, CX
	JEQ   f32done
	VMOVSS (DI), X0
	VADDSS (SI), X0, X0
	VMOVSS X0, (DI)
	ADDQ   $4, DI
	ADDQ   $4, SI
	DECQ   CX
	JMP    f32by1

f32done:
	VZEROUPPER
	RET

// func addF64AVX2(dst, src *float64, n int)
// dst[i] += src[i] for i < n.
TEXT ·addF64AVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

f64by16:
	CMPQ CX, $16
	JLT  f64by4
	VMOVUPD (DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 64(DI), Y2
	VMOVUPD 96(DI), Y3
	VADDPD  (SI), Y0, Y0
	VADDPD  32(SI), Y1, Y1
	VADDPD  64(SI), Y2, Y2
	VADDPD  96(SI), Y3, Y3
	VMOVUPD Y0, (DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	ADDQ    $128, DI
	ADDQ    $128, SI
	SUBQ    $16, CX
	JMP     f64by16

f64by4:
	CMPQ CX, $4
	JLT  f64by1
	VMOVUPD (DI), Y0
	VADDPD  (SI), Y0, Y0
	VMOVUPD Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $4, CX
	JMP     f64by4

f64by1:
	TESTQ CX, CX
	JEQ   f64done
	VMOVSD (DI), X0
	VADDSD (SI), X0, X0
	VMOVSD X0, (DI)
	ADDQ   $8, DI
	ADDQ   $8, SI
	DECQ   CX
	JMP    f64by1

f64done:
	VZEROUPPER
	RET

// Max pooling over one window for 8 channels at a time. A tap v replaces the running maximum
// m when !(v <= m) && m == m, that is v > m or v the first NaN, so the first of equal maxima
// is kept and a NaN wins, as in the Go loops (pool.go). VCMPPS predicates: 0x16 is NLE_UQ
// (true when v > m or either is NaN), 0x07 is ORD_Q (true when neither is NaN).

// func maxTapsF32AVX2(out, src *float32, offs *int32, taps, n int)
// out[k] = max over t of src[offs[t]+k] for k < n (n a multiple of 8, offs[0] = 0).
TEXT ·maxTapsF32AVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ offs+16(FP), R8
	MOVQ taps+24(FP), R9
	MOVQ n+32(FP), CX

mtBlock:
	CMPQ    CX, $8
	JLT     mtDone
	VMOVUPS (SI), Y0                 // m
	MOVQ    $1, R10

mtTap:
	CMPQ      R10, R9
	JGE       mtStore
	MOVLQSX   (R8)(R10*4), R11
	VMOVUPS   (SI)(R11*4), Y1        // v
	VCMPPS    $0x16, Y0, Y1, Y2      // !(v <= m)
	VCMPPS    $0x07, Y0, Y0, Y3      // m == m
	VANDPS    Y3, Y2, Y2
	VBLENDVPS Y2, Y1, Y0, Y0         // m = take ? v : m
	INCQ      R10
	JMP       mtTap

mtStore:
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     mtBlock

mtDone:
	VZEROUPPER
	RET

// func routeMaxF32AVX2(src, dst, dy *float32, offs *int32, taps, n int)
// For k < n (a multiple of 8): dst[offs[t*]+k] += dy[k], where t* is the tap of channel k's
// maximum in src.
TEXT ·routeMaxF32AVX2(SB), NOSPLIT, $32-48
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ dy+16(FP), DX
	MOVQ offs+24(FP), R8
	MOVQ taps+32(FP), R9
	MOVQ n+40(FP), CX

rmBlock:
	CMPQ    CX, $8
	JLT     rmDone
	VMOVUPS (SI), Y0                 // m
	VPXOR   Y4, Y4, Y4               // offset of the maximum, per lane
	MOVQ    $1, R10

rmTap:
	CMPQ         R10, R9
	JGE          rmScatter
	MOVLQSX      (R8)(R10*4), R11
	VMOVUPS      (SI)(R11*4), Y1
	VPBROADCASTD (R8)(R10*4), Y5
	VCMPPS       $0x16, Y0, Y1, Y2
	VCMPPS       $0x07, Y0, Y0, Y3
	VANDPS       Y3, Y2, Y2
	VBLENDVPS    Y2, Y1, Y0, Y0
	VBLENDVPS    Y2, Y5, Y4, Y4
	INCQ         R10
	JMP          rmTap

rmScatter:
	// No scatter instruction in AVX2: spill the offsets and add lane by lane.
	VMOVDQU Y4, 0(SP)
	XORQ    R10, R10

rmLane:
	MOVLQSX (SP)(R10*4), R11
	ADDQ    R10, R11
	VMOVSS  (DI)(R11*4), X0
	VADDSS  (DX)(R10*4), X0, X0
	VMOVSS  X0, (DI)(R11*4)
	INCQ    R10
	CMPQ    R10, $8
	JLT     rmLane

	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  rmBlock

rmDone:
	VZEROUPPER
	RET

// func routeMaxStoreF32AVX2(src, dst, dy *float32, offs *int32, taps, n int)
// routeMaxF32AVX2 for windows that no other window overlaps: every tap of dst is written,
// dy[k] at the maximum and 0 elsewhere, so dst is never read.
TEXT ·routeMaxStoreF32AVX2(SB), NOSPLIT, $0-48
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ dy+16(FP), DX
	MOVQ offs+24(FP), R8
	MOVQ taps+32(FP), R9
	MOVQ n+40(FP), CX

rsBlock:
	CMPQ    CX, $8
	JLT     rsDone
	VMOVUPS (SI), Y0
	VPXOR   Y4, Y4, Y4
	MOVQ    $1, R10

rsTap:
	CMPQ         R10, R9
	JGE          rsStore
	MOVLQSX      (R8)(R10*4), R11
	VMOVUPS      (SI)(R11*4), Y1
	VPBROADCASTD (R8)(R10*4), Y5
	VCMPPS       $0x16, Y0, Y1, Y2
	VCMPPS       $0x07, Y0, Y0, Y3
	VANDPS       Y3, Y2, Y2
	VBLENDVPS    Y2, Y1, Y0, Y0
	VBLENDVPS    Y2, Y5, Y4, Y4
	INCQ         R10
	JMP          rsTap

rsStore:
	VMOVUPS (DX), Y6
	XORQ    R10, R10

rsStoreTap:
	MOVLQSX      (R8)(R10*4), R11
	VPBROADCASTD (R8)(R10*4), Y5
	VPCMPEQD     Y5, Y4, Y2
	VANDPS       Y6, Y2, Y2
	VMOVUPS      Y2, (DI)(R11*4)
	INCQ         R10
	CMPQ         R10, R9
	JLT          rsStoreTap

	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	SUBQ $8, CX
	JMP  rsBlock

rsDone:
	VZEROUPPER
	RET
