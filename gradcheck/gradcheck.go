package gradcheck

import (
	"fmt"
	"math"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Result compares analytic and numerical gradients.
type Result struct {
	MaxAbsErr float64 // largest |analytic - numeric| over all input elements
	MaxRelErr float64 // largest |analytic - numeric| / max(1, |analytic|, |numeric|)
	Worst     string  // which input element gave MaxRelErr
}

// Check compares the tape's gradients of f with central differences. f maps float64 inputs to
// one output; Check reduces the output to the scalar L = sum(f(x) · r) with a fixed random r
// (so every output element matters, as in TensorFlow's compute_gradient_error), then for every
// element x_i of every input compares dL/dx_i from the tape with (L(x_i+delta) -
// L(x_i-delta)) / (2·delta). Inputs are converted to float64; delta 1e-6 suits most ops.
// Errors from f (panics with *tensor.Error) are returned.
func Check(f func(xs []*op.Value) *op.Value, inputs []*tensor.Tensor, delta float64) (res Result, err error) {
	err = tensor.Catch(func() { res = check(f, inputs, delta) })
	return res, err
}

func check(f func(xs []*op.Value) *op.Value, inputs []*tensor.Tensor, delta float64) Result {
	xs := make([]*tensor.Tensor, len(inputs))
	for i, in := range inputs {
		xs[i] = tensor.Cast(in, tensor.Float64).Clone()
	}
	wrap := func(ts []*tensor.Tensor) []*op.Value {
		vals := make([]*op.Value, len(ts))
		for i, t := range ts {
			vals[i] = op.Const(t)
		}
		return vals
	}
	// Analytic gradients.
	vals := wrap(xs)
	tp := tape.New(tape.Options{Unconnected: tape.UnconnectedZero})
	tp.Watch(vals...)
	y := f(vals)
	rt := random.New(1234).Randn(y.Shape()...)
	tp.Close()
	// r enters as the output gradient, and L is summed in plain Go below, so the check does
	// not lean on the gradients of Mul and Sum, which may be the ops under test.
	grads, err := tp.GradientWithOutput(y, op.Const(tensor.Cast(rt, y.DType())), vals...)
	if err != nil {
		panic(err)
	}
	rv := tensor.ToSlice[float64](rt)
	scalar := func() float64 {
		out := tensor.ToSlice[float64](tensor.Cast(f(wrap(xs)).Tensor(), tensor.Float64))
		s := 0.0
		for i, v := range out {
			s += v * rv[i]
		}
		return s
	}
	var res Result
	for i, x := range xs {
		g := grads[i].Tensor()
		data := tensor.Data[float64](x)
		for j := range data {
			orig := data[j]
			data[j] = orig + delta
			up := scalar()
			data[j] = orig - delta
			down := scalar()
			data[j] = orig
			num := (up - down) / (2 * delta)
			ana := g.Reshape(-1).Float64(j)
			abs := math.Abs(ana - num)
			rel := abs / math.Max(1, math.Max(math.Abs(ana), math.Abs(num)))
			res.MaxAbsErr = math.Max(res.MaxAbsErr, abs)
			if rel > res.MaxRelErr || math.IsNaN(rel) {
				res.MaxRelErr = rel
				res.Worst = fmt.Sprintf("input %d element %d: analytic %g, numeric %g", i, j, ana, num)
			}
		}
	}
	return res
}
