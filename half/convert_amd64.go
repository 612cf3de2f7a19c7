//go:build amd64 && !purego

package half

// asmSupported reports whether this CPU and OS can run the AVX2+F16C kernels
// in convert_amd64.s.
var asmSupported = detectAVX2F16C()

// cpuid and xgetbv0 are in cpu_amd64.s. The rest of the project detects
// features with golang.org/x/sys/cpu, but it does not report F16C (as of
// v0.38), which these kernels need, so this package reads CPUID itself.
func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)
func xgetbv0() (eax, edx uint32)

func detectAVX2F16C() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	const (
		osxsave = 1 << 27 // CPUID.1:ECX
		avx     = 1 << 28
		f16c    = 1 << 29
		avx2    = 1 << 5 // CPUID.(7,0):EBX
	)
	_, _, ecx1, _ := cpuid(1, 0)
	if ecx1&(osxsave|avx|f16c) != osxsave|avx|f16c {
		return false
	}
	// The OS must save the SSE and AVX register state (XCR0 bits 1 and 2) on
	// context switches, or the upper halves of the YMM registers could be lost.
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&avx2 != 0
}

// The kernels take whole blocks of 16 elements (n > 0, n%16 == 0); the Go
// wrappers finish any tail with the scalar code, which gives identical bits.

//go:noescape
func f32ToF16AVX2(dst *Float16, src *float32, n int)

//go:noescape
func f16ToF32AVX2(dst *float32, src *Float16, n int)

//go:noescape
func f32ToBF16AVX2(dst *BFloat16, src *float32, n int)

//go:noescape
func bf16ToF32AVX2(dst *float32, src *BFloat16, n int)

// The *Asm wrappers must only be called when asmSupported is true; callers
// guarantee len(dst) >= len(src).

func float32sToFloat16sAsm(dst []Float16, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		f32ToF16AVX2(&dst[0], &src[0], n)
	}
	float32sToFloat16sGo(dst[n:], src[n:])
}

func float16sToFloat32sAsm(dst []float32, src []Float16) {
	n := len(src) &^ 15
	if n > 0 {
		f16ToF32AVX2(&dst[0], &src[0], n)
	}
	float16sToFloat32sGo(dst[n:], src[n:])
}

func float32sToBFloat16sAsm(dst []BFloat16, src []float32) {
	n := len(src) &^ 15
	if n > 0 {
		f32ToBF16AVX2(&dst[0], &src[0], n)
	}
	float32sToBFloat16sGo(dst[n:], src[n:])
}

func bfloat16sToFloat32sAsm(dst []float32, src []BFloat16) {
	n := len(src) &^ 15
	if n > 0 {
		bf16ToF32AVX2(&dst[0], &src[0], n)
	}
	bfloat16sToFloat32sGo(dst[n:], src[n:])
}
