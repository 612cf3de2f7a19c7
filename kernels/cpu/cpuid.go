package cpu

import (
	"os"

	xcpu "golang.org/x/sys/cpu"
)

// Features says which instruction-set paths the kernels use on this machine.
type Features struct {
	AVX2FMA bool // AVX2 + FMA3 micro-kernels (amd64)
	AVX512  bool // AVX-512F micro-kernels (amd64), when present
}

// features is read once: TENSORGRAPH_NOASM=1 forces the pure-Go fallbacks, so they can be
// tested and benchmarked on a machine that has the instructions.
var features = detect()

func detect() Features {
	if os.Getenv("TENSORGRAPH_NOASM") == "1" {
		return Features{}
	}
	return Features{
		AVX2FMA: xcpu.X86.HasAVX2 && xcpu.X86.HasFMA,
		AVX512:  xcpu.X86.HasAVX512F,
	}
}

// CPUFeatures reports the instruction-set paths in use.
func CPUFeatures() Features { return features }
