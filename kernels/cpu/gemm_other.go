//go:build !amd64

package cpu

// No assembly GEMM kernels on this architecture: the pure-Go micro-kernel is used.

func sgemmAsmKernel() *gemmKernel[float32] { return nil }

func dgemmAsmKernel() *gemmKernel[float64] { return nil }
