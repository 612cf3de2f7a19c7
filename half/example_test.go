package half_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/half"
)

func ExampleFromFloat32() {
	h := half.FromFloat32(0.1)
	fmt.Printf("bits %#04x, exact value %v, printed as %v\n", uint16(h), h.Float32(), h)
	fmt.Println(half.FromFloat32(65519), half.FromFloat32(65520)) // the overflow threshold
	fmt.Println(half.FromFloat32(1e-8), half.FromFloat32(4e-8))   // below and above half the smallest subnormal
	// Output:
	// bits 0x2e66, exact value 0.099975586, printed as 0.1
	// 65500 +Inf
	// 0 6e-08
}

func ExampleBFloat16FromFloat32() {
	x := float32(1.005859375) // 1 + 3*2^-9, between the bfloat16 values 1 and 1.0078125
	fmt.Println(half.BFloat16FromFloat32(x).Float32(), half.BFloat16Truncate(x).Float32())
	// Output: 1.0078125 1
}

func ExampleFloat32sToFloat16s() {
	src := []float32{1, 2.5, -0.333333, 1e6}
	dst := make([]half.Float16, len(src))
	half.Float32sToFloat16s(dst, src)
	back := make([]float32, len(dst))
	half.Float16sToFloat32s(back, dst)
	fmt.Println(dst)
	fmt.Println(back)
	// Output:
	// [1 2.5 -0.3333 +Inf]
	// [1 2.5 -0.33325195 +Inf]
}
