package tensor_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// String (and so fmt's %v) prints what NumPy's repr prints for the same array.
func ExampleTensor_String() {
	z := tensor.FromSlice([]float32{1.6031268, 1.1616374, 1.5910958, 2.1035302}, 2, 2)
	fmt.Println(z)
	fmt.Println(z.T()) // any strided view prints in logical order
	fmt.Println(tensor.FromSlice([]float64{1, 2.25, -3}))
	fmt.Println(tensor.FromSlice([]float64{1e-5, 1, 1234.5}))
	fmt.Println(tensor.FromSlice([]int32{1, -20, 300}))
	fmt.Println(tensor.FromSlice([]bool{true, false}))
	fmt.Println(tensor.Scalar(float32(0.1)))
	fmt.Println(tensor.New(tensor.Float32, 0, 3))
	// Output:
	// array([[1.6031268, 1.1616374],
	//        [1.5910958, 2.1035302]], dtype=float32)
	// array([[1.6031268, 1.5910958],
	//        [1.1616374, 2.1035302]], dtype=float32)
	// array([ 1.  ,  2.25, -3.  ])
	// array([1.0000e-05, 1.0000e+00, 1.2345e+03])
	// array([  1, -20, 300], dtype=int32)
	// array([ True, False])
	// array(0.1, dtype=float32)
	// array([], shape=(0, 3), dtype=float32)
}
