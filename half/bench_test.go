package half

import (
	"math"
	"testing"
)

// The benchmarks convert 1M elements; SetBytes counts the float32 side
// (4 MB) in both directions so the MB/s figures are comparable.
const benchN = 1 << 20

func benchFloat32s() []float32 {
	src := make([]float32, benchN)
	for i, z := range splitmix64(7, benchN) {
		// Ordinary values in ±[2^-10, 2^10): inside float16's range, no NaNs.
		src[i] = float32(math.Ldexp(float64(z>>40)/(1<<24)+1, int(z%20)-10))
		if z&(1<<32) != 0 {
			src[i] = -src[i]
		}
	}
	return src
}

type benchCase struct {
	name string
	asm  bool
}

func benchCases(b *testing.B) []benchCase {
	cases := []benchCase{{"asm", true}, {"go", false}}
	if !asmSupported {
		cases = cases[1:]
	}
	return cases
}

func BenchmarkFloat32sToFloat16s(b *testing.B) {
	src := benchFloat32s()
	dst := make([]Float16, len(src))
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			f := float32sToFloat16sGo
			if c.asm {
				f = float32sToFloat16sAsm
			}
			b.SetBytes(4 * benchN)
			for b.Loop() {
				f(dst, src)
			}
		})
	}
	// A block with a NaN takes the fix-up branch; this is the worst case,
	// one NaN in every 16-element block.
	if asmSupported {
		nan := append([]float32(nil), src...)
		for i := 0; i < len(nan); i += 16 {
			nan[i] = float32(math.NaN())
		}
		b.Run("asm-nan", func(b *testing.B) {
			b.SetBytes(4 * benchN)
			for b.Loop() {
				float32sToFloat16sAsm(dst, nan)
			}
		})
	}
}

func BenchmarkFloat16sToFloat32s(b *testing.B) {
	src := make([]Float16, benchN)
	Float32sToFloat16s(src, benchFloat32s())
	dst := make([]float32, len(src))
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			f := float16sToFloat32sGo
			if c.asm {
				f = float16sToFloat32sAsm
			}
			b.SetBytes(4 * benchN)
			for b.Loop() {
				f(dst, src)
			}
		})
	}
}

func BenchmarkFloat32sToBFloat16s(b *testing.B) {
	src := benchFloat32s()
	dst := make([]BFloat16, len(src))
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			f := float32sToBFloat16sGo
			if c.asm {
				f = float32sToBFloat16sAsm
			}
			b.SetBytes(4 * benchN)
			for b.Loop() {
				f(dst, src)
			}
		})
	}
}

func BenchmarkBFloat16sToFloat32s(b *testing.B) {
	src := make([]BFloat16, benchN)
	Float32sToBFloat16s(src, benchFloat32s())
	dst := make([]float32, len(src))
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			f := bfloat16sToFloat32sGo
			if c.asm {
				f = bfloat16sToFloat32sAsm
			}
			b.SetBytes(4 * benchN)
			for b.Loop() {
				f(dst, src)
			}
		})
	}
}

// Scalar conversions, for comparison with the per-element cost above.
var sink16 Float16

func BenchmarkFromFloat32(b *testing.B) {
	src := benchFloat32s()[:1024]
	b.SetBytes(4 * 1024)
	var acc Float16
	for b.Loop() {
		for _, f := range src {
			acc ^= FromFloat32(f)
		}
	}
	sink16 = acc
}
