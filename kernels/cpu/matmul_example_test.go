package cpu_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleMatMul() {
	a := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float32{7, 8, 9, 10, 11, 12}, 3, 2)
	c := cpu.MatMul(a, b, false, false)
	fmt.Println(c.Shape(), tensor.ToSlice[float32](c))

	// The same product from b's transpose stored as a 2x3 matrix, without copying it.
	bt := tensor.FromSlice([]float32{7, 9, 11, 8, 10, 12}, 2, 3)
	fmt.Println(tensor.ToSlice[float32](cpu.MatMul(a, bt, false, true)))
	// Output:
	// [2,2] [58 64 139 154]
	// [58 64 139 154]
}

func ExampleGemm() {
	// C = 2·A·B + C for a 2x2 A and B, all row-major (element (i,j) at i*2 + j).
	a := []float64{1, 2, 3, 4}
	b := []float64{1, 0, 0, 1}
	c := []float64{10, 10, 10, 10}
	cpu.Gemm(2, 2, 2, 2.0, a, 2, 1, b, 2, 1, 1.0, c, 2, 1)
	fmt.Println(c)
	// Output: [12 14 16 18]
}
