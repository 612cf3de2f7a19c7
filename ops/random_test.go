package ops_test

import (
	"errors"
	"math"
	"testing"

	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func TestRandomUniformDrawsLikeNumPy(t *testing.T) {
	// The same draws as np.random.RandomState(0).rand(2, 3), in row-major order.
	got := ops.RandomUniform(ops.Const(tensor.FromSlice([]int64{2, 3})), tensor.Float64, random.New(0))
	want := random.New(0).Rand(2, 3)
	if !got.Shape().Equal(tensor.Shape{2, 3}) {
		t.Fatal(got.Shape())
	}
	for i, v := range tensor.ToSlice[float64](got.Tensor()) {
		if v != tensor.ToSlice[float64](want)[i] {
			t.Fatalf("element %d: %v vs %v", i, v, tensor.ToSlice[float64](want)[i])
		}
	}
}

func TestDropout(t *testing.T) {
	rs := random.New(42)
	x := ops.Const(tensor.Ones(tensor.Float32, 100, 100))
	tp := tape.New(tape.Options{})
	tp.Watch(x)
	y := ops.Dropout(x, 0.25, rs)
	tp.Close()
	g, err := tp.Gradient(y, x)
	if err != nil {
		t.Fatal(err)
	}
	ys, gs := tensor.ToSlice[float32](y.Tensor()), tensor.ToSlice[float32](g[0].Tensor())
	kept := 0
	for i, v := range ys {
		switch v {
		case 0:
		case float32(1 / 0.75):
			kept++
		default:
			t.Fatalf("element %d = %v, want 0 or 1/0.75", i, v)
		}
		// With x = 1, dy/dx equals the output: the same mask and scale.
		if gs[i] != v {
			t.Fatalf("gradient %d = %v, output %v", i, gs[i], v)
		}
	}
	// 10000 Bernoulli(0.75) draws: the kept fraction is within 4 standard deviations (0.0173).
	if f := float64(kept) / 10000; math.Abs(f-0.75) > 0.0173 {
		t.Errorf("kept fraction %v, want about 0.75", f)
	}
	// A second call draws a new mask from the shared generator.
	y2 := ops.Dropout(x, 0.25, rs)
	if tensor.All(tensor.Equal(y.Tensor(), y2.Tensor())).Item() == 1 {
		t.Error("two dropout calls gave the same mask")
	}
	if ops.Dropout(x, 0, rs) != x {
		t.Error("rate 0 should return x")
	}
	if err := tensor.Catch(func() { ops.Dropout(x, 1, rs) }); !errors.Is(err, tensor.ErrArgument) {
		t.Errorf("rate 1: %v", err)
	}
}
