package cpu

import "unsafe"

// The pure-Go micro-kernel, used where there is no assembly one (other architectures, CPUs
// without AVX2+FMA, TENSORGRAPH_NOASM=1) and always available to tests.
//
// Its 2×3 shape is set by the Go compiler on amd64: SSE arithmetic is destructive and the SSA
// scheduler hoists every product of a loop body above the accumulating adds, so the body needs
// about twice as many X registers as there are accumulators. Six accumulators (plus six
// products) is the most that fits in the 15 the Go ABI leaves free; with eight or more (2×4,
// 4×2, 4×4 were tried) one accumulator spills to the stack and its store-to-load round trip
// lengthens the loop-carried chain to ~10 cycles, 2–3× slower. Six independent add chains of
// 3-cycle latency keep both multiply and both add pipes of a Zen core busy, which is the scalar
// peak (measured 8–9 GFLOP/s for the kernel alone on Zen 3 with BenchmarkGemmKernel, against
// 3.4 for a 4×4 that spills). On arm64, with 32 FP registers and fused multiply-adds, a larger
// tile would likely do better; that has not been measured.
//
// Blocking: a B micro-panel is kc·3 values (3 KiB at kc=256, float32), the A block mc×kc sits
// in L2; with a kernel this slow the exact sizes hardly matter. nc is a multiple of nr so only
// the last panel of a product can be partial.
var (
	sgemmGo = &gemmKernel[float32]{name: "go-2x3", mr: 2, nr: 3, kc: 256, mc: 128, nc: 4095, fn: gemmGo2x3[float32]}
	dgemmGo = &gemmKernel[float64]{name: "go-2x3", mr: 2, nr: 3, kc: 256, mc: 64, nc: 4095, fn: gemmGo2x3[float64]}
)

// gemmGo2x3 is the 2×3 micro-kernel: C[2×3] = alpha·Ap·Bp + beta·C over k packed steps.
func gemmGo2x3[T float32 | float64](k int, a, b, c []T, ldc int, alpha, beta T) {
	acc := gemmDotGo2x3(k, a, b)
	r0 := c[0:3:3]
	r1 := c[ldc : ldc+3 : ldc+3]
	if beta == 0 {
		r0[0], r0[1], r0[2] = alpha*acc[0], alpha*acc[1], alpha*acc[2]
		r1[0], r1[1], r1[2] = alpha*acc[3], alpha*acc[4], alpha*acc[5]
		return
	}
	r0[0], r0[1], r0[2] = alpha*acc[0]+beta*r0[0], alpha*acc[1]+beta*r0[1], alpha*acc[2]+beta*r0[2]
	r1[0], r1[1], r1[2] = alpha*acc[3]+beta*r1[0], alpha*acc[4]+beta*r1[1], alpha*acc[5]+beta*r1[2]
}

// gemmDotGo2x3 returns the 2×3 block Ap·Bp. It is a separate function so that alpha and beta do
// not occupy registers during the loop. The loop walks raw pointers because the bounds checks
// of indexed panel access cost a third of its speed; the slices are cut to 2·k and 3·k values
// first, which panics before any read if they are shorter, so every access stays inside them.
//
//go:noinline
func gemmDotGo2x3[T float32 | float64](k int, a, b []T) [6]T {
	var c00, c01, c02, c10, c11, c12 T
	a = a[:2*k]
	b = b[:3*k]
	if k == 0 {
		return [6]T{}
	}
	pa := unsafe.Pointer(unsafe.SliceData(a))
	pb := unsafe.Pointer(unsafe.SliceData(b))
	sz := unsafe.Sizeof(c00)
	// Byte offsets rather than advancing pointers, so no pointer is ever formed past the end
	// of a panel (checkptr, enabled by -race, rejects that).
	end := uintptr(k) * 2 * sz
	for oa, ob := uintptr(0), uintptr(0); oa < end; oa, ob = oa+2*sz, ob+3*sz {
		a0, a1 := *(*T)(unsafe.Add(pa, oa)), *(*T)(unsafe.Add(pa, oa+sz))
		b0, b1, b2 := *(*T)(unsafe.Add(pb, ob)), *(*T)(unsafe.Add(pb, ob+sz)), *(*T)(unsafe.Add(pb, ob+2*sz))
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
	}
	return [6]T{c00, c01, c02, c10, c11, c12}
}
