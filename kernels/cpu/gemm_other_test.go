//go:build !amd64

package cpu

func hwSgemmAsm() *gemmKernel[float32] { return nil }

func hwDgemmAsm() *gemmKernel[float64] { return nil }
