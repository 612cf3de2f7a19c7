package vec_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/internal/vec"
)

func Example() {
	a := []float32{1, 2, 3, 4}
	b := []float32{10, 20, 30, 40}
	dst := make([]float32, len(a))

	vec.AddF32(dst, a, b)
	fmt.Println("add:", dst)

	vec.AxpyF32(dst, -10, a) // dst += -10*a
	fmt.Println("axpy:", dst)

	vec.ExpF32(dst, []float32{0, 1, -1, 88.8})
	fmt.Printf("exp: %.6g\n", dst)

	vec.SoftmaxRowsF32(dst, []float32{1, 1, 0, 1000}, 2, 2) // two rows of two
	fmt.Printf("softmax: %.4g\n", dst)

	fmt.Println("sum:", vec.SumF32(a), "max:", vec.MaxF32(a))
	// Output:
	// add: [11 22 33 44]
	// axpy: [1 2 3 4]
	// exp: [1 2.71828 0.367879 +Inf]
	// softmax: [0.5 0.5 0 1]
	// sum: 10 max: 4
}
