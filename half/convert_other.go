//go:build !amd64 || purego

package half

// No assembly kernels outside amd64 (or with the purego tag); the *Asm names
// exist so the dispatch and the tests compile everywhere.
const asmSupported = false

func float32sToFloat16sAsm(dst []Float16, src []float32)   { float32sToFloat16sGo(dst, src) }
func float16sToFloat32sAsm(dst []float32, src []Float16)   { float16sToFloat32sGo(dst, src) }
func float32sToBFloat16sAsm(dst []BFloat16, src []float32) { float32sToBFloat16sGo(dst, src) }
func bfloat16sToFloat32sAsm(dst []float32, src []BFloat16) { bfloat16sToFloat32sGo(dst, src) }
