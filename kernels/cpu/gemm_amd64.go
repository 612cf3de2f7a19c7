//go:build amd64

package cpu

// AVX2+FMA micro-kernels (gemm_amd64.s) and their blocking, tuned on a 2-vCPU AMD EPYC
// (family 25 model 1, Zen 3: 32 KiB L1D and 512 KiB L2 per core, 32 MiB shared L3):
//
//   - 6×16 (float32) and 6×8 (float64) tiles: 12 of the 16 YMM registers accumulate, two hold
//     the B row and one the broadcast A value. 12 independent FMA chains cover the 2 FMA pipes
//     × 4-cycle latency, and each k step's 8 loads fit the load ports. The float32 kernel
//     alone runs at 99 GFLOP/s on one core (BenchmarkGemmKernel), ~the 2×8×2 flop/cycle peak.
//   - kc=256: a packed B micro-panel is kc·nr·size = 16 KiB for both types, half of L1, so it
//     stays there while the kernel streams A panels past it; a deeper kc also amortises each C
//     tile's load and store over more FMAs. Measured single-threaded at n=1024: kc=128 is 5%
//     slower, 192..512 are within 1%.
//   - mc=144 (float32) / 72 (float64): the packed A block mc·kc·size is 144 KiB, well inside
//     L2 next to the B panels passing through. 72..288 measured within noise; the driver
//     evens the row blocks out anyway.
//   - nc=4080 (a multiple of both nr): the shared packed B slab kc·nc·size is at most 4 MiB
//     (float32) or 8 MiB (float64), held in L3; products with n ≤ nc pack B once per kc slice.
var (
	sgemmAVX2 = &gemmKernel[float32]{name: "avx2-6x16", mr: 6, nr: 16, kc: 256, mc: 144, nc: 4080, fn: sgemmAVX2Tile, packA: gemmPackA6F32, packB: gemmPackB16F32}
	dgemmAVX2 = &gemmKernel[float64]{name: "avx2-6x8", mr: 6, nr: 8, kc: 256, mc: 72, nc: 4080, fn: dgemmAVX2Tile, packA: gemmPackA6F64, packB: gemmPackB8F64}
)

func sgemmAsmKernel() *gemmKernel[float32] {
	if features.AVX2FMA {
		return sgemmAVX2
	}
	return nil
}

func dgemmAsmKernel() *gemmKernel[float64] {
	if features.AVX2FMA {
		return dgemmAVX2
	}
	return nil
}

// The bounds checks here guard the assembly against a driver bug: it reads 6·k values of a,
// 16·k (8·k) of b and a 6×16 (6×8) tile of c with rows ldc apart.

func sgemmAVX2Tile(k int, a, b, c []float32, ldc int, alpha, beta float32) {
	_, _, _ = a[6*k-1], b[16*k-1], c[5*ldc+15]
	sgemmKernel6x16(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

func dgemmAVX2Tile(k int, a, b, c []float64, ldc int, alpha, beta float64) {
	_, _, _ = a[6*k-1], b[8*k-1], c[5*ldc+7]
	dgemmKernel6x8(k, &a[0], &b[0], &c[0], ldc, alpha, beta)
}

//go:noescape
func sgemmKernel6x16(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func dgemmKernel6x8(k int, a, b, c *float64, ldc int, alpha, beta float64)
