//go:build amd64

package cpu

import xcpu "golang.org/x/sys/cpu"

// The assembly kernels run in tests whenever the hardware has them, even under
// TENSORGRAPH_NOASM=1, so both kernel paths are checked in one run.

func hwSgemmAsm() *gemmKernel[float32] {
	if xcpu.X86.HasAVX2 && xcpu.X86.HasFMA {
		return sgemmAVX2
	}
	return nil
}

func hwDgemmAsm() *gemmKernel[float64] {
	if xcpu.X86.HasAVX2 && xcpu.X86.HasFMA {
		return dgemmAVX2
	}
	return nil
}
