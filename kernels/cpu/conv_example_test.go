package cpu_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleConv2D() {
	// One 4×4 single-channel image (NHWC) and a 2×2 filter (HWIO) that adds up its window.
	x := tensor.FromSlice([]float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16,
	}, 1, 4, 4, 1)
	f := tensor.Ones(tensor.Float32, 2, 2, 1, 1)

	p := cpu.Conv2DParams{Strides: [2]int{2, 2}, Padding: cpu.Valid()}
	y := cpu.Conv2D(x, f, p)
	fmt.Println(y.Shape(), tensor.ToSlice[float32](y))

	// SAME keeps ceil(4/1) = 4 positions per axis, padding one zero row and column after.
	fmt.Println(cpu.Conv2D(x, f, cpu.Conv2DParams{Padding: cpu.Same()}).Shape())

	// The gradients for dy = 1 everywhere: each pixel is in one window, the filter taps each
	// see the sum of the four pixels they meet.
	dy := tensor.Ones(tensor.Float32, 1, 2, 2, 1)
	fmt.Println(tensor.ToSlice[float32](cpu.Conv2DBackpropInput(x.Shape(), f, dy, p)))
	fmt.Println(tensor.ToSlice[float32](cpu.Conv2DBackpropFilter(x, f.Shape(), dy, p)))
	// Output:
	// [1,2,2,1] [14 22 46 54]
	// [1,4,4,1]
	// [1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1]
	// [24 28 40 44]
}

func ExampleMaxPool() {
	x := tensor.FromSlice([]float64{
		1, 5, 2, 0,
		3, 4, 8, 8,
		0, 0, 1, 1,
		9, 0, 1, 2,
	}, 1, 4, 4, 1)
	k := [2]int{2, 2}
	fmt.Println(tensor.ToSlice[float64](cpu.MaxPool(x, k, k, cpu.Valid())))
	// Each window's gradient goes to its maximum; of the two 8s, the first.
	dy := tensor.FromSlice([]float64{10, 20, 30, 40}, 1, 2, 2, 1)
	fmt.Println(tensor.ToSlice[float64](cpu.MaxPoolGrad(x, dy, k, k, cpu.Valid())))
	// SAME with a 3×3 window and stride 2 pads one row and column after; the mean is over the
	// pixels inside: 24/9, 20/6, 11/6, 5/4.
	fmt.Println(tensor.ToSlice[float64](cpu.AvgPool(x, [2]int{3, 3}, [2]int{2, 2}, cpu.Same())))
	// Output:
	// [5 8 9 2]
	// [0 10 0 0 0 0 20 0 0 0 0 0 30 0 0 40]
	// [2.6666666666666665 3.3333333333333335 1.8333333333333333 1.25]
}
