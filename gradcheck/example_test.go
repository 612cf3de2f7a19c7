package gradcheck_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/gradcheck"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleCheck() {
	// f(a, b) = exp(a·b): the tape's gradients against central differences.
	f := func(x []*op.Value) *op.Value { return ops.Exp(ops.MatMul(x[0], x[1], false, false)) }
	rs := random.New(0)
	res, err := gradcheck.Check(f, []*tensor.Tensor{rs.Randn(2, 3), rs.Randn(3, 2)}, 1e-6)
	fmt.Println(err, res.MaxRelErr < 1e-7)
	// Output: <nil> true
}
