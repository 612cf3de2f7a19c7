package ops_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleMatMul() {
	a := ops.Const(tensor.FromSlice([]float32{1, 2, 3, 4}, 2, 2))
	b := ops.Const(tensor.FromSlice([]float32{5, 6, 7, 8}, 2, 2))
	fmt.Println(ops.MatMul(a, b, false, false))
	// Output:
	// array([[19., 22.],
	//        [43., 50.]], dtype=float32)
}
