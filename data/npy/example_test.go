package npy_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tensorgraph/tensorgraph/data/npy"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func Example() {
	dir, err := os.MkdirTemp("", "npy-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "x.npy")

	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if err := npy.WriteFile(path, x); err != nil {
		panic(err)
	}
	y, err := npy.ReadFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(y.DType(), y.Shape(), tensor.ToSlice[float32](y))
	// Output: float32 [2,3] [1 2 3 4 5 6]
}

func ExampleWriteFile_columnMajor() {
	dir, err := os.MkdirTemp("", "npy-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "xt.npy")

	// The transpose of a row-major matrix is column-major: it is written with
	// fortran_order True, without copying, and read back column-major.
	x := tensor.FromSlice([]int64{1, 2, 3, 4, 5, 6}, 2, 3).T()
	if err := npy.WriteFile(path, x); err != nil {
		panic(err)
	}
	y, err := npy.ReadFile(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(y.DType(), y.Shape(), y.IsColMajor(), tensor.ToSlice[int64](y))
	// Output: int64 [3,2] true [1 4 2 5 3 6]
}

func ExampleWriteNPZ() {
	dir, err := os.MkdirTemp("", "npy-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.npz")

	err = npy.WriteNPZ(path, map[string]*tensor.Tensor{
		"w":    tensor.FromSlice([]float64{0.5, -1, 2, 4}, 2, 2),
		"step": tensor.Scalar(int64(1000)),
	}, true)
	if err != nil {
		panic(err)
	}
	arrays, err := npy.ReadNPZ(path)
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"step", "w"} {
		a := arrays[name]
		fmt.Println(name, a.DType(), a.Shape())
	}
	// Output:
	// step int64 []
	// w float64 [2,2]
}

func ExampleReadFile_errors() {
	dir, err := os.MkdirTemp("", "npy-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bad.npy")
	if err := os.WriteFile(path, []byte("not an array"), 0o644); err != nil {
		panic(err)
	}
	_, err = npy.ReadFile(path)
	fmt.Println(errors.Is(err, tensor.ErrData))
	fmt.Println(strings.ReplaceAll(err.Error(), path, "bad.npy"))
	// Output:
	// true
	// npy: bad.npy: at byte 0: bad magic "not an": not a .npy file (want "\x93NUMPY")
}
