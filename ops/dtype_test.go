package ops_test

import (
	"math"
	"testing"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops/opcheck"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// valueAndGrads runs f on inputs of dtype dt and returns its output and the gradients of
// sum(f · r) for a fixed r, all as float64.
func valueAndGrads(f func([]*op.Value) *op.Value, xs []*tensor.Tensor, dt tensor.DType) (out []float64, grads [][]float64, err error) {
	err = tensor.Catch(func() {
		vals := make([]*op.Value, len(xs))
		for i, x := range xs {
			vals[i] = op.Const(tensor.Cast(x, dt))
		}
		tp := tape.New(tape.Options{Unconnected: tape.UnconnectedZero})
		tp.Watch(vals...)
		y := f(vals)
		tp.Close()
		if y.DType() != dt {
			panic(&tensor.Error{Op: "dtype", Kind: tensor.ErrDType, Msg: "output dtype " + y.DType().String() + " for inputs of " + dt.String()})
		}
		r := tensor.Cast(tensor.Arange(tensor.Float64, 1, float64(y.Tensor().NumElements()+1), 1).Reshape(y.Shape()...), dt)
		g, e := tp.GradientWithOutput(y, op.Const(r), vals...)
		if e != nil {
			panic(e)
		}
		out = tensor.ToSlice[float64](tensor.Cast(y.Tensor(), tensor.Float64))
		for _, gi := range g {
			grads = append(grads, tensor.ToSlice[float64](tensor.Cast(gi.Tensor(), tensor.Float64)))
		}
	})
	return out, grads, err
}

// TestFloat32MatchesFloat64 runs every gradient-table case in float32 and compares outputs and
// gradients with float64: each op must support both dtypes, keep the dtype, and agree to
// float32 accuracy (relative 1e-3 of the largest magnitude, allowing for conditioning).
func TestFloat32MatchesFloat64(t *testing.T) {
	for i, c := range opcheck.Cases() {
		xs := opcheck.Inputs(c, uint32(i))
		y64, g64, err := valueAndGrads(c.F, xs, tensor.Float64)
		if err != nil {
			t.Fatalf("%s float64: %v", c.Name, err)
		}
		y32, g32, err := valueAndGrads(c.F, xs, tensor.Float32)
		if err != nil {
			t.Errorf("%s float32: %v", c.Name, err)
			continue
		}
		cmp := func(what string, a, b []float64) {
			scale := 1.0
			for _, v := range b {
				scale = math.Max(scale, math.Abs(v))
			}
			for k := range b {
				if math.Abs(a[k]-b[k]) > 1e-3*scale {
					t.Errorf("%s %s[%d]: float32 %v, float64 %v", c.Name, what, k, a[k], b[k])
					return
				}
			}
		}
		cmp("output", y32, y64)
		for k := range g64 {
			cmp("gradient", g32[k], g64[k])
		}
	}
}
