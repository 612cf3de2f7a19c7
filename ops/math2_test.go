package ops_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/gradcheck"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func f64(t *testing.T, v *op.Value) []float64 {
	t.Helper()
	return tensor.ToSlice[float64](tensor.Cast(v.Tensor(), tensor.Float64))
}

func closeTo(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-8*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

func c64(v []float64, shape ...int) *op.Value { return ops.Const(tensor.FromSlice(v, shape...)) }

// Expected values from NumPy 1.x (/usr/bin/python3), e.g. np.sqrt, np.power, a.mean(0).
func TestMath2Forward(t *testing.T) {
	x := c64([]float64{0.25, 1, 4, 9})
	closeTo(t, "Sqrt", f64(t, ops.Sqrt(x)), []float64{0.5, 1, 2, 3})
	closeTo(t, "Rsqrt", f64(t, ops.Rsqrt(x)), []float64{2, 1, 0.5, 0.33333333333333333})
	// np.log1p([0, 1e-10, 1, e-1]): log1p keeps the 1e-10 that log(1+x) would round away.
	closeTo(t, "Log1p", f64(t, ops.Log1p(c64([]float64{0, 1e-10, 1, math.E - 1}))), []float64{0, 1e-10, 0.6931471805599453, 1})
	// np.power([[2,3],[4,5]], [2,0.5]) = [[4, 1.73205081], [16, 2.23606798]].
	closeTo(t, "Pow", f64(t, ops.Pow(c64([]float64{2, 3, 4, 5}, 2, 2), c64([]float64{2, 0.5}))), []float64{4, math.Sqrt(3), 16, math.Sqrt(5)})
	closeTo(t, "Abs", f64(t, ops.Abs(c64([]float64{-1.5, 0, 2}))), []float64{1.5, 0, 2})
	closeTo(t, "Sign", f64(t, ops.Sign(c64([]float64{-1.5, 0, 2}))), []float64{-1, 0, 1})
	p, q := c64([]float64{1, -2, 3}), c64([]float64{0, 0, 5})
	closeTo(t, "Maximum", f64(t, ops.Maximum(p, q)), []float64{1, 0, 5})
	closeTo(t, "Minimum", f64(t, ops.Minimum(p, q)), []float64{0, -2, 3})
	// Comparisons by hand on p = [1,-2,3], q = [0,0,5].
	for name, c := range map[string]struct {
		v    *op.Value
		want []float64
	}{
		"Greater": {ops.Greater(p, q), []float64{1, 0, 0}}, "GreaterEqual": {ops.GreaterEqual(p, p), []float64{1, 1, 1}},
		"Less": {ops.Less(p, q), []float64{0, 1, 1}}, "LessEqual": {ops.LessEqual(p, q), []float64{0, 1, 1}},
		"Equal": {ops.Equal(p, c64([]float64{1, 0, 3})), []float64{1, 0, 1}}, "NotEqual": {ops.NotEqual(p, q), []float64{1, 1, 1}},
	} {
		if c.v.DType() != tensor.Bool {
			t.Errorf("%s dtype %v", name, c.v.DType())
		}
		closeTo(t, name, f64(t, c.v), c.want)
	}
	if c := ops.Cast(c64([]float64{1.7, -1.7}), tensor.Int32); c.DType() != tensor.Int32 || tensor.ToSlice[int32](c.Tensor())[1] != -1 {
		t.Errorf("Cast = %v", c) // truncation toward zero, as np.astype
	}
	// np.where([True,False,True], [1,2,3], [[10],[20]]) = [[1,10,3],[1,20,3]].
	w := ops.Where(ops.Const(tensor.FromSlice([]bool{true, false, true})), c64([]float64{1, 2, 3}), c64([]float64{10, 20}, 2, 1))
	closeTo(t, "Where", f64(t, w), []float64{1, 10, 3, 1, 20, 3})
	if !w.Shape().Equal(tensor.Shape{2, 3}) {
		t.Errorf("Where shape %v", w.Shape())
	}
	a := c64([]float64{1, 5, 3, 4, 2, 6}, 2, 3)
	closeTo(t, "Mean 0", f64(t, ops.Mean(a, 0)), []float64{2.5, 3.5, 4.5})
	closeTo(t, "Mean all", f64(t, ops.Mean(a)), []float64{3.5})
	closeTo(t, "Max 1", f64(t, ops.Max(a, 1)), []float64{5, 6})
	closeTo(t, "Min 0", f64(t, ops.Min(a, 0)), []float64{1, 2, 3})
	closeTo(t, "Size", f64(t, ops.Size(a)), []float64{6})
	closeTo(t, "AddN", f64(t, ops.AddN(p, q, p)), []float64{2, -4, 11})
}

// TF's rule splits the gradient of a max among tied elements: d max([1,3,3]) = [0, 0.5, 0.5].
func TestMaxGradTies(t *testing.T) {
	x := c64([]float64{1, 3, 3})
	tp := newTape(x)
	y := ops.Max(x)
	g := gradOf(t, tp, y, x)
	closeTo(t, "d max", f64(t, g), []float64{0, 0.5, 0.5})
}

func TestMath2Errors(t *testing.T) {
	a := c64([]float64{1, 2, 3})
	b := c64([]float64{1, 2})
	for name, f := range map[string]func(){
		"Maximum":  func() { ops.Maximum(a, b) },
		"Greater":  func() { ops.Greater(a, b) },
		"AddN":     func() { ops.AddN(a, b) },
		"SelectV2": func() { ops.Where(a, a, a) },
		"Mean":     func() { ops.Mean(a, 3) },
	} {
		err := tensor.Catch(f)
		var te *tensor.Error
		if !errors.As(err, &te) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	// AddN does not broadcast, in either order, eagerly or when inferring.
	row := c64([]float64{1, 2, 3}, 1, 3)
	mat := c64([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	for _, f := range []func(){func() { ops.AddN(row, mat) }, func() { ops.AddN(mat, row) }} {
		if err := tensor.Catch(f); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("AddN of [1 3] and [2 3]: %v", err)
		}
	}
	d := op.Must("AddN")
	for _, in := range [][]op.Meta{{{DType: tensor.Float64, Shape: tensor.Shape{1, 3}}, {DType: tensor.Float64, Shape: tensor.Shape{2, 3}}},
		{{DType: tensor.Float64, Shape: tensor.Shape{2, 3}}, {DType: tensor.Float64, Shape: tensor.Shape{1, 3}}}} {
		if err := tensor.Catch(func() { d.Infer(in, nil) }); !errors.Is(err, tensor.ErrShape) {
			t.Errorf("AddN Infer %v: %v", in, err)
		}
	}
	// The shapes are named too.
	if err := tensor.Catch(func() { ops.AddN(a, b) }); !strings.Contains(err.Error(), "[3]") || !strings.Contains(err.Error(), "[2]") {
		t.Errorf("AddN error does not name the shapes: %v", err)
	}
}

func newTape(xs ...*op.Value) *tape.GradientTape {
	tp := tape.New(tape.Options{})
	tp.Watch(xs...)
	return tp
}

// gradOf stops recording on tp and returns d sum(y) / d x.
func gradOf(t *testing.T, tp *tape.GradientTape, y, x *op.Value) *op.Value {
	t.Helper()
	tp.Close()
	g, err := tp.Gradient(y, x)
	if err != nil || g[0] == nil {
		t.Fatalf("gradient: %v %v", g, err)
	}
	return g[0]
}

// secondDerivative returns d/dx sum(d/dx sum(f(x))) with nested tapes: the inner gradient is
// built from the same op functions, so the outer tape differentiates the gradient rules.
func secondDerivative(t *testing.T, f func(*op.Value) *op.Value, x *op.Value) []float64 {
	t.Helper()
	outer := newTape(x)
	inner := newTape(x)
	y := f(x)
	inner.Close()
	g, err := inner.Gradient(y, x)
	if err != nil {
		t.Fatal(err)
	}
	return f64(t, gradOf(t, outer, g[0], x))
}

// Second derivatives by hand: sqrt” = -x^(-3/2)/4; (x^3)” = 6x; rsqrt” = (3/4) x^(-5/2);
// log1p” = -1/(1+x)^2; Slice then Square: 2 on the slice, 0 elsewhere (Pad's gradient).
func TestMath2SecondDerivatives(t *testing.T) {
	x := c64([]float64{0.25, 1, 4})
	closeTo(t, "Sqrt''", secondDerivative(t, ops.Sqrt, x), []float64{-2, -0.25, -1.0 / 32})
	closeTo(t, "Rsqrt''", secondDerivative(t, ops.Rsqrt, x), []float64{0.75 * 32, 0.75, 0.75 / 32})
	closeTo(t, "Log1p''", secondDerivative(t, ops.Log1p, x), []float64{-1 / 1.5625, -0.25, -1.0 / 25})
	cube := func(v *op.Value) *op.Value { return ops.Pow(v, c64([]float64{3})) }
	closeTo(t, "Pow''", secondDerivative(t, cube, x), []float64{1.5, 6, 24})
	sq := func(v *op.Value) *op.Value { return ops.Square(ops.Slice(v, i64s(1), i64s(2))) }
	closeTo(t, "Slice''", secondDerivative(t, sq, x), []float64{0, 2, 2})
	gsq := func(v *op.Value) *op.Value { return ops.Square(ops.Gather(v, i64s(2, 2), 0)) }
	closeTo(t, "Gather''", secondDerivative(t, gsq, x), []float64{0, 0, 4})
}

// With zeros, by hand: d prod([2,0,3]) = [0·3, 2·3, 2·0] = [0, 6, 0]; with two zeros all are 0.
// The numeric check runs at these inputs too (the product is linear in each element, so
// central differences are exact up to rounding).
func TestProdGradWithZeros(t *testing.T) {
	x := c64([]float64{2, 0, 3, 0, 0, 3, 1, 4, 0.5}, 3, 3)
	tp := newTape(x)
	g := gradOf(t, tp, ops.Prod(x, 1), x)
	closeTo(t, "d Prod", f64(t, g), []float64{0, 6, 0, 0, 0, 0, 2, 0.5, 4})
	closeTo(t, "Prod", f64(t, ops.Prod(x, 1)), []float64{0, 0, 2})
	res, err := gradcheck.Check(func(v []*op.Value) *op.Value { return ops.Prod(v[0], 1) }, []*tensor.Tensor{x.Tensor()}, 1e-6)
	if err != nil || res.MaxRelErr > 1e-6 {
		t.Errorf("Prod with zeros: %v %v (%s)", err, res.MaxRelErr, res.Worst)
	}
}
