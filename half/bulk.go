package half

import (
	"math"
	"os"
	"strconv"
)

// useAsm selects the assembly kernels for the bulk conversions. It is decided
// once, at package initialisation, from the CPU features and
// TENSORGRAPH_NOASM; asmSupported (per architecture) says only whether the
// hardware could run them, so tests can exercise both paths regardless.
var useAsm = asmSupported && !noAsmFromEnv()

// noAsmFromEnv reports whether TENSORGRAPH_NOASM asks for the pure-Go path
// ("1", "true", ... anything strconv.ParseBool accepts as true).
func noAsmFromEnv() bool {
	v, err := strconv.ParseBool(os.Getenv("TENSORGRAPH_NOASM"))
	return err == nil && v
}

// Accelerated reports whether the bulk conversions in this process use the
// SIMD assembly path (false on CPUs without it, on other architectures, with
// the purego build tag, or when TENSORGRAPH_NOASM is set).
func Accelerated() bool { return useAsm }

// lenPanic is kept out of line so the length check stays cheap in callers.
//
//go:noinline
func lenPanic(fn string, dst, src int) {
	panic("half." + fn + ": len(dst) = " + strconv.Itoa(dst) + " is less than len(src) = " + strconv.Itoa(src))
}

// Float32sToFloat16s converts src into dst[:len(src)] as [FromFloat32] does,
// bit for bit. It panics if len(dst) < len(src); elements of dst past
// len(src) are left untouched.
func Float32sToFloat16s(dst []Float16, src []float32) {
	if len(dst) < len(src) {
		lenPanic("Float32sToFloat16s", len(dst), len(src))
	}
	if useAsm {
		float32sToFloat16sAsm(dst, src)
		return
	}
	float32sToFloat16sGo(dst, src)
}

// Float16sToFloat32s converts src into dst[:len(src)] as [Float16.Float32]
// does, bit for bit. It panics if len(dst) < len(src).
func Float16sToFloat32s(dst []float32, src []Float16) {
	if len(dst) < len(src) {
		lenPanic("Float16sToFloat32s", len(dst), len(src))
	}
	if useAsm {
		float16sToFloat32sAsm(dst, src)
		return
	}
	float16sToFloat32sGo(dst, src)
}

// Float32sToBFloat16s converts src into dst[:len(src)] with round to nearest
// even, as [BFloat16FromFloat32] does, bit for bit. It panics if
// len(dst) < len(src).
func Float32sToBFloat16s(dst []BFloat16, src []float32) {
	if len(dst) < len(src) {
		lenPanic("Float32sToBFloat16s", len(dst), len(src))
	}
	if useAsm {
		float32sToBFloat16sAsm(dst, src)
		return
	}
	float32sToBFloat16sGo(dst, src)
}

// BFloat16sToFloat32s converts src into dst[:len(src)] as [BFloat16.Float32]
// does. It panics if len(dst) < len(src).
func BFloat16sToFloat32s(dst []float32, src []BFloat16) {
	if len(dst) < len(src) {
		lenPanic("BFloat16sToFloat32s", len(dst), len(src))
	}
	if useAsm {
		bfloat16sToFloat32sAsm(dst, src)
		return
	}
	bfloat16sToFloat32sGo(dst, src)
}

// The pure-Go kernels. Callers guarantee len(dst) >= len(src); reslicing dst
// to len(src) lets the compiler drop the bounds checks in the loops.

func float32sToFloat16sGo(dst []Float16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		if b := math.Float32bits(f); normal16(b) {
			dst[i] = roundNormal16(b)
		} else {
			dst[i] = fromFloat32Rare(b)
		}
	}
}

func float16sToFloat32sGo(dst []float32, src []Float16) {
	dst = dst[:len(src)]
	for i, h := range src {
		if h.isNormal() {
			dst[i] = h.widenNormal()
		} else {
			dst[i] = h.float32Rare()
		}
	}
}

func float32sToBFloat16sGo(dst []BFloat16, src []float32) {
	dst = dst[:len(src)]
	for i, f := range src {
		dst[i] = BFloat16FromFloat32(f)
	}
}

func bfloat16sToFloat32sGo(dst []float32, src []BFloat16) {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = b.Float32()
	}
}
