package opcheck

import (
	"github.com/tensorgraph/tensorgraph/gradcheck"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Case is one row of the gradient table: a function of float64 inputs and their shapes.
type Case struct {
	Op       string // the registered op this row covers
	Name     string // unique name of the row
	F        func(x []*op.Value) *op.Value
	Shapes   []tensor.Shape
	Positive bool // inputs must be positive (Log, Div's denominator): Inputs uses |x|+0.5
}

// Cases returns every row of the table, in a stable order: array ops, convolution and
// pooling, losses, math, activations, then core arithmetic and MatMul. Each call builds fresh
// cases; the order fixes the seeds [Run] gives each case.
func Cases() []Case {
	var cs []Case
	for _, family := range []func() []Case{arrayCases, convCases, lossCases, mathCases, nnCases, coreCases} {
		cs = append(cs, family()...)
	}
	return cs
}

// Inputs returns c's inputs: float64 standard normal values from random.New(seed), one tensor
// per shape, mapped to |x|+0.5 when c.Positive.
func Inputs(c Case, seed uint32) []*tensor.Tensor {
	rs := random.New(seed)
	var xs []*tensor.Tensor
	for _, s := range c.Shapes {
		x := rs.Randn(s...)
		if c.Positive {
			x = tensor.Add(tensor.Abs(x), tensor.ScalarOf(tensor.Float64, 0.5))
		}
		xs = append(xs, x)
	}
	return xs
}

// Result is the outcome of checking one case. Err is set when the case's function failed
// (a *tensor.Error panic caught by gradcheck.Check); the embedded gradcheck.Result is then
// zero.
type Result struct {
	Case Case
	gradcheck.Result
	Err error
}

// Run checks every case of [Cases] with gradcheck.Check and delta 1e-6; case i gets the
// inputs Inputs(c, seedBase+i). Callers compare MaxRelErr with their tolerance (1e-6 suits
// float64 central differences with this delta).
func Run(seedBase uint32) []Result {
	cs := Cases()
	res := make([]Result, len(cs))
	for i, c := range cs {
		r, err := gradcheck.Check(c.F, Inputs(c, seedBase+uint32(i)), 1e-6)
		res[i] = Result{Case: c, Result: r, Err: err}
	}
	return res
}

// Uncovered returns the names of registered differentiable ops (op.List, with
// NotDifferentiable false) that no case covers, in op.List's order; nil when all are covered.
func Uncovered() []string {
	covered := map[string]bool{}
	for _, c := range Cases() {
		covered[c.Op] = true
	}
	var out []string
	for _, name := range op.List() {
		d, err := op.Lookup(name)
		if err != nil {
			panic(err) // op.List names only registered ops
		}
		if !d.NotDifferentiable && !covered[name] {
			out = append(out, name)
		}
	}
	return out
}
