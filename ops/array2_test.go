package ops_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func i64s(v ...int64) *op.Value { return ops.Const(tensor.FromSlice(v)) }

// Expected values from NumPy (/usr/bin/python3): x = np.arange(6.).reshape(2, 3), x.T,
// np.concatenate, np.split, x[0:2, 1:3], np.pad, np.take, np.tile, np.add.at, np.argmax,
// np.argmin and np.eye(3)[[2, 0]].
func TestArray2Forward(t *testing.T) {
	x := c64([]float64{0, 1, 2, 3, 4, 5}, 2, 3)
	check := func(name string, v *op.Value, shape tensor.Shape, want []float64) {
		t.Helper()
		if !v.Shape().Equal(shape) {
			t.Errorf("%s shape %v, want %v", name, v.Shape(), shape)
		}
		closeTo(t, name, f64(t, v), want)
	}
	check("Transpose", ops.Transpose(x), tensor.Shape{3, 2}, []float64{0, 3, 1, 4, 2, 5})
	check("Transpose perm", ops.Transpose(x, 1, 0), tensor.Shape{3, 2}, []float64{0, 3, 1, 4, 2, 5})
	check("ExpandDims", ops.ExpandDims(x, 1), tensor.Shape{2, 1, 3}, []float64{0, 1, 2, 3, 4, 5})
	check("Squeeze", ops.Squeeze(ops.ExpandDims(x, 0)), tensor.Shape{2, 3}, []float64{0, 1, 2, 3, 4, 5})
	col := ops.Slice(x, i64s(0, 0), i64s(-1, 1))
	check("Slice column", col, tensor.Shape{2, 1}, []float64{0, 3})
	check("Slice", ops.Slice(x, i64s(0, 1), i64s(2, 2)), tensor.Shape{2, 2}, []float64{1, 2, 4, 5})
	check("Concat", ops.Concat(1, x, ops.Add(col, c64([]float64{10}))), tensor.Shape{2, 4}, []float64{0, 1, 2, 10, 3, 4, 5, 13})
	r := c64([]float64{0, 1, 2, 3, 4, 5})
	for i, p := range ops.Split(r, 0, 3) {
		check("Split", p, tensor.Shape{2}, []float64{float64(2 * i), float64(2*i + 1)})
	}
	pv := ops.SplitV(r, 0, 1, -1, 3)
	check("SplitV 0", pv[0], tensor.Shape{1}, []float64{0})
	check("SplitV 1", pv[1], tensor.Shape{2}, []float64{1, 2})
	check("SplitV 2", pv[2], tensor.Shape{3}, []float64{3, 4, 5})
	offs := ops.ConcatOffset(1, i64s(2, 3), i64s(2, 1), i64s(2, 5))
	check("ConcatOffset", offs[2], tensor.Shape{2}, []float64{0, 4})
	check("Pad", ops.Pad(c64([]float64{1, 2}, 1, 2), ops.Const(tensor.FromSlice([]int64{1, 0, 0, 2}, 2, 2))), tensor.Shape{2, 4}, []float64{0, 0, 0, 0, 1, 2, 0, 0})
	check("Gather", ops.Gather(x, i64s(2, 0, 2), 1), tensor.Shape{2, 3}, []float64{2, 0, 2, 5, 3, 5})
	check("Tile", ops.Tile(c64([]float64{1, 2}, 1, 2), i64s(2, 2)), tensor.Shape{2, 4}, []float64{1, 2, 1, 2, 1, 2, 1, 2})
	seg := ops.UnsortedSegmentSum(c64([]float64{1, 2, 3, 4, 5, 6}, 3, 2), i64s(0, 2, 0), ops.Const(tensor.Scalar(int64(3))))
	check("UnsortedSegmentSum", seg, tensor.Shape{3, 2}, []float64{6, 8, 0, 0, 3, 4})
	m := ops.Const(tensor.FromSlice([]int32{1, 5, 3, 4, 2, 6}, 2, 3))
	check("ArgMax", ops.ArgMax(m, 1), tensor.Shape{2}, []float64{1, 2})
	check("ArgMin", ops.ArgMin(m, 0), tensor.Shape{3}, []float64{0, 1, 0})
	oh := ops.OneHot(i64s(2, 0), 3, tensor.Float32, 1, 0)
	if oh.DType() != tensor.Float32 {
		t.Errorf("OneHot dtype %v", oh.DType())
	}
	check("OneHot", oh, tensor.Shape{2, 3}, []float64{0, 0, 1, 1, 0, 0})
}

func TestArray2Errors(t *testing.T) {
	x := c64([]float64{0, 1, 2, 3, 4, 5}, 2, 3)
	for name, f := range map[string]func(){
		"Transpose":          func() { ops.Transpose(x, 0, 0) },
		"Squeeze":            func() { ops.Squeeze(x, 0) },
		"ExpandDims":         func() { ops.ExpandDims(x, 5) },
		"Concat":             func() { ops.Concat(0, x, c64([]float64{1, 2}, 1, 2)) },
		"Split":              func() { ops.Split(x, 1, 2) },
		"SplitV":             func() { ops.SplitV(x, 1, 1, 1) },
		"Slice":              func() { ops.Slice(x, i64s(1, 1), i64s(2, 1)) },
		"Pad":                func() { ops.Pad(x, i64s(1, 1)) },
		"Gather":             func() { ops.Gather(x, i64s(3), 0) },
		"UnsortedSegmentSum": func() { ops.UnsortedSegmentSum(x, i64s(0, 5), ops.Const(tensor.Scalar(int64(2)))) },
		"Tile":               func() { ops.Tile(x, i64s(2)) },
	} {
		err := tensor.Catch(f)
		var te *tensor.Error
		if !errors.As(err, &te) || te.Op != name {
			t.Errorf("%s: got %v", name, err)
			continue
		}
		if !strings.Contains(err.Error(), "[2 3]") && !strings.Contains(err.Error(), "[2,3]") && name != "Gather" && name != "UnsortedSegmentSum" {
			t.Errorf("%s: error does not name the shape: %v", name, err)
		}
	}
}

// arr2Sym is a minimal graph stand-in: a symbolic value whose builder only runs Infer, enough
// to check that these ops infer shapes and that their gradient rules build from partly
// unknown shapes.
type arr2Sym struct{ m op.Meta }

func (s arr2Sym) Builder() op.Builder { return arr2Builder{} }
func (s arr2Sym) Meta() op.Meta       { return s.m }

type arr2Builder struct{}

func (arr2Builder) AddOp(d *op.OpDef, a op.Attrs, inputs []*op.Value) []*op.Value {
	ms := make([]op.Meta, len(inputs))
	for i, in := range inputs {
		ms[i] = in.Meta()
		if !in.IsSymbolic() {
			ms[i].Const = in.Tensor()
		}
	}
	var outs []*op.Value
	for _, m := range d.Infer(ms, a) {
		outs = append(outs, op.NewSymbolic(arr2Sym{m}))
	}
	return outs
}

func TestArray2Symbolic(t *testing.T) {
	sym := func(s ...int) *op.Value { return op.NewSymbolic(arr2Sym{op.Meta{DType: tensor.Float64, Shape: s}}) }
	// grads runs op name's gradient rule on symbolic incoming gradients.
	grads := func(name string, a op.Attrs, inputs []*op.Value, outs ...*op.Value) []*op.Value {
		d := op.Must(name)
		gs := make([]*op.Value, len(outs))
		for i, o := range outs {
			gs[i] = op.NewSymbolic(arr2Sym{o.Meta()})
		}
		return d.Grad(&op.GradCall{Def: d, Attrs: a, Inputs: inputs, Outputs: outs, Grads: gs})
	}
	x, y := sym(-1, 3), sym(-1, 2)
	shape := func(v *op.Value) string { return v.Meta().Shape.String() }
	for _, c := range []struct {
		name string
		v    *op.Value
		want tensor.Shape
	}{
		{"Concat", ops.Concat(1, x, y), tensor.Shape{-1, 5}},
		{"Transpose", ops.Transpose(x), tensor.Shape{3, -1}},
		{"ExpandDims", ops.ExpandDims(x, 0), tensor.Shape{1, -1, 3}},
		{"Squeeze", ops.Squeeze(sym(-1, 1), 1), tensor.Shape{-1}},
		{"Slice", ops.Slice(x, i64s(0, 1), i64s(-1, 2)), tensor.Shape{-1, 2}},
		{"Pad", ops.Pad(x, ops.Const(tensor.FromSlice([]int64{0, 0, 1, 1}, 2, 2))), tensor.Shape{-1, 5}},
		{"Gather", ops.Gather(x, i64s(0, 2), 1), tensor.Shape{-1, 2}},
		{"Tile", ops.Tile(x, i64s(2, 2)), tensor.Shape{-1, 6}},
		{"Split", ops.Split(x, 1, 3)[2], tensor.Shape{-1, 1}},
		{"SplitV", ops.SplitV(sym(4, 5), 1, 2, -1)[1], tensor.Shape{4, 3}},
		{"Mean", ops.Mean(x, 1), tensor.Shape{-1}},
		{"Max", ops.ReduceMax(x, i64s(0), true), tensor.Shape{1, 3}},
		{"SelectV2", ops.Where(ops.Greater(x, sym(3)), x, sym(1, 1)), tensor.Shape{-1, 3}},
		{"AddN", ops.AddN(x, sym(4, -1)), tensor.Shape{4, 3}},
		{"ArgMax", ops.ArgMax(x, 1), tensor.Shape{-1}},
		{"OneHot", ops.OneHot(op.NewSymbolic(arr2Sym{op.Meta{DType: tensor.Int64, Shape: tensor.Shape{-1}}}), 4, tensor.Float32, 1, 0), tensor.Shape{-1, 4}},
	} {
		if !c.v.Shape().Equal(c.want) {
			t.Errorf("%s: shape %s, want %v", c.name, shape(c.v), c.want)
		}
	}
	// The gradient rules build on symbolic values without panicking; shapes of their results
	// are checked where the graph knows them.
	err := tensor.Catch(func() {
		for _, c := range []struct {
			name   string
			a      op.Attrs
			inputs []*op.Value
			outs   []*op.Value
		}{
			{"Concat", op.Attrs{"axis": 1}, []*op.Value{x, y}, []*op.Value{ops.Concat(1, x, y)}},
			{"Slice", nil, []*op.Value{x, i64s(0, 1), i64s(-1, 2)}, []*op.Value{ops.Slice(x, i64s(0, 1), i64s(-1, 2))}},
			{"Pad", nil, []*op.Value{x, ops.Const(tensor.FromSlice([]int64{0, 0, 1, 1}, 2, 2))}, []*op.Value{sym(-1, 5)}},
			{"Gather", op.Attrs{"axis": 1}, []*op.Value{x, i64s(0, 2)}, []*op.Value{ops.Gather(x, i64s(0, 2), 1)}},
			{"Tile", nil, []*op.Value{x, i64s(2, 2)}, []*op.Value{ops.Tile(x, i64s(2, 2))}},
			{"Split", op.Attrs{"axis": 1, "num_split": 3}, []*op.Value{x}, ops.Split(x, 1, 3)},
			{"Transpose", op.Attrs{"perm": []int{1, 0}}, []*op.Value{x}, []*op.Value{ops.Transpose(x, 1, 0)}},
			{"Mean", op.Attrs{"keep_dims": false}, []*op.Value{x, i64s(1)}, []*op.Value{ops.Mean(x, 1)}},
			{"Max", op.Attrs{"keep_dims": false}, []*op.Value{x, i64s(1)}, []*op.Value{ops.Max(x, 1)}},
			{"Pow", nil, []*op.Value{x, sym(3)}, []*op.Value{ops.Pow(x, sym(3))}},
			{"Prod", op.Attrs{"keep_dims": false}, []*op.Value{x, i64s(0)}, []*op.Value{ops.Prod(x, 0)}},
			{"SelectV2", nil, []*op.Value{ops.Greater(x, sym(3)), x, sym(1, 1)}, []*op.Value{sym(-1, 3)}},
			{"UnsortedSegmentSum", nil, []*op.Value{x, ops.Const(tensor.FromSlice([]int64{0, 1})), ops.Const(tensor.Scalar(int64(3)))}, []*op.Value{sym(3, 3)}},
		} {
			g := grads(c.name, c.a, c.inputs, c.outs...)
			if c.name == "Transpose" && !g[0].Shape().Equal(tensor.Shape{-1, 3}) {
				t.Errorf("Transpose grad shape %v", g[0].Shape())
			}
			if c.name == "Split" && !g[0].Shape().Equal(tensor.Shape{-1, 3}) {
				t.Errorf("Split grad shape %v", g[0].Shape())
			}
		}
	})
	if err != nil {
		t.Errorf("gradient rule failed on symbolic values: %v", err)
	}
}

// Transpose, Slice and Split return views; the kernels after them must read the strides.
func TestArray2ViewsFeedKernels(t *testing.T) {
	a := c64([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := c64([]float64{1, 0, 2, 1}, 2, 2)
	closeTo(t, "MatMul(Transpose)", f64(t, ops.MatMul(ops.Transpose(a), b, false, false)), f64(t, ops.MatMul(a, b, true, false)))
	s := ops.Slice(ops.Transpose(a), i64s(1, 0), i64s(2, -1)) // [[2,5],[3,6]]
	closeTo(t, "Add(Slice(Transpose))", f64(t, ops.Add(s, s)), []float64{4, 10, 6, 12})
	closeTo(t, "Pad(view)", f64(t, ops.Pad(s, ops.Const(tensor.FromSlice([]int64{0, 0, 1, 0}, 2, 2)))), []float64{0, 2, 5, 0, 3, 6})
	closeTo(t, "Gather(view)", f64(t, ops.Gather(s, i64s(1), 1)), []float64{5, 6})
	closeTo(t, "Tile(view)", f64(t, ops.Tile(ops.Split(a, 1, 3)[1], i64s(1, 2))), []float64{2, 2, 5, 5})
	closeTo(t, "UnsortedSegmentSum(view)", f64(t, ops.UnsortedSegmentSum(s, i64s(1, 1), ops.Const(tensor.Scalar(int64(2))))), []float64{0, 0, 5, 11})
}
