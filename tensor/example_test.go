package tensor_test

import (
	"errors"
	"fmt"

	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleAdd() {
	// A [2,3] matrix plus a row vector broadcasts along the first axis.
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float32{10, 20, 30})
	y := tensor.Add(x, b)
	fmt.Println(y.Shape(), tensor.ToSlice[float32](y))
	// Output: [2,3] [11 22 33 14 25 36]
}

func ExampleTensor_Slice() {
	x := tensor.Arange(tensor.Int64, 0, 12, 1).Reshape(3, 4)
	// x[::-1, 1::2] in NumPy: a view, no copy.
	v := x.Slice(tensor.RS(tensor.None, tensor.None, -1), tensor.RS(1, tensor.None, 2))
	fmt.Println(v.Shape(), v.Strides(), tensor.ToSlice[int64](v))
	// Output: [3,2] [-4 2] [9 11 5 7 1 3]
}

func ExampleTensor_AsOrder() {
	x := tensor.Arange(tensor.Float32, 0, 6, 1).Reshape(2, 3)
	f := x.AsOrder(tensor.ColMajor) // Eigen's default layout
	fmt.Println(f.Strides(), tensor.Data[float32](f), tensor.ToSlice[float32](f))
	// Output: [1 2] [0 3 1 4 2 5] [0 1 2 3 4 5]
}

func ExampleReduce() {
	x := tensor.Arange(tensor.Float64, 0, 6, 1).Reshape(2, 3)
	fmt.Println(tensor.ToSlice[float64](tensor.Sum(x, 0)))
	m := tensor.Reduce(tensor.ReduceMean, x, true, 1) // keepdims
	fmt.Println(m.Shape(), tensor.ToSlice[float64](m))
	// Output:
	// [3 5 7]
	// [2,1] [1 4]
}

func ExampleCast() {
	x := tensor.FromSlice([]float32{0.1, 65504, 70000, 1e-8})
	h := tensor.Cast(x, tensor.Float16)
	fmt.Println(tensor.ToSlice[float32](tensor.Cast(h, tensor.Float32)))
	// Output: [0.099975586 65504 +Inf 0]
}

func ExampleCatch() {
	err := tensor.Catch(func() {
		tensor.Add(tensor.New(tensor.Float32, 2, 3), tensor.New(tensor.Float32, 4))
	})
	fmt.Println(err)
	fmt.Println(errors.Is(err, tensor.ErrShape))
	// Output:
	// Add: shapes [2,3] and [4] are not broadcastable
	// true
}
