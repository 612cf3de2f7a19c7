package ops_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func iv(v ...int64) *tensor.Tensor { return tensor.FromSlice(v) }

func TestStridedSliceMatchesNumPy(t *testing.T) {
	x := ops.Const(tensor.Arange(tensor.Int64, 0, 24, 1).Reshape(2, 3, 4))
	cases := []struct {
		numpy              string // the NumPy expression; shape and values printed by NumPy 1.24
		begin, end, stride *tensor.Tensor
		m                  ops.SliceMasks
		shape              tensor.Shape
		want               string
	}{
		{"x[1, ::-1, 1:3]", iv(1, 0, 1), iv(2, 0, 3), iv(1, -1, 1), ops.SliceMasks{BeginMask: 2, EndMask: 2, ShrinkAxis: 1},
			tensor.Shape{3, 2}, "[21 22 17 18 13 14]"},
		{"x[..., ::2]", iv(0, 0), iv(0, 0), iv(1, 2), ops.SliceMasks{Ellipsis: 1, BeginMask: 2, EndMask: 2},
			tensor.Shape{2, 3, 2}, "[0 2 4 6 8 10 12 14 16 18 20 22]"},
		{"x[:, np.newaxis, -1]", iv(0, 0, -1), iv(0, 0, 0), iv(1, 1, 1), ops.SliceMasks{BeginMask: 1, EndMask: 1, NewAxis: 2, ShrinkAxis: 4},
			tensor.Shape{2, 1, 4}, "[8 9 10 11 20 21 22 23]"},
		{"x[-1:0:-1, 1]", iv(-1, 1), iv(0, 0), iv(-1, 1), ops.SliceMasks{ShrinkAxis: 2},
			tensor.Shape{1, 4}, "[16 17 18 19]"},
	}
	for _, c := range cases {
		y := ops.StridedSlice(x, ops.Const(c.begin), ops.Const(c.end), ops.Const(c.stride), c.m)
		if !y.Shape().Equal(c.shape) || fmt.Sprint(tensor.ToSlice[int64](y.Tensor())) != c.want {
			t.Errorf("%s: shape %v values %v, NumPy %v %s", c.numpy, y.Shape(), tensor.ToSlice[int64](y.Tensor()), c.shape, c.want)
		}
	}
	err := tensor.Catch(func() {
		ops.StridedSlice(x, ops.Const(iv(5)), ops.Const(iv(6)), ops.Const(iv(1)), ops.SliceMasks{ShrinkAxis: 1})
	})
	var te *tensor.Error
	if !errors.As(err, &te) || te.Op != "StridedSlice" || !errors.Is(err, tensor.ErrIndex) {
		t.Errorf("out-of-range shrink index: %v", err)
	}
}

func TestStridedSliceGradScatters(t *testing.T) {
	// d/dx sum(x[1, ::-1, 1:3]) is 1 on the six picked elements, 0 elsewhere.
	x := ops.Const(tensor.Arange(tensor.Float64, 0, 24, 1).Reshape(2, 3, 4))
	tp := tape.New(tape.Options{})
	tp.Watch(x)
	y := ops.Sum(ops.StridedSlice(x, ops.Const(iv(1, 0, 1)), ops.Const(iv(2, 0, 3)), ops.Const(iv(1, -1, 1)),
		ops.SliceMasks{BeginMask: 2, EndMask: 2, ShrinkAxis: 1}))
	tp.Close()
	g, err := tp.Gradient(y, x)
	if err != nil {
		t.Fatal(err)
	}
	want := "[0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 0 0 1 1 0 0 1 1 0]"
	if got := fmt.Sprint(tensor.ToSlice[float64](g[0].Tensor())); got != want {
		t.Errorf("gradient %s, want %s", got, want)
	}
}
