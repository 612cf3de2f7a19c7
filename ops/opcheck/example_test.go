package opcheck_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/gradcheck"
	"github.com/tensorgraph/tensorgraph/ops/opcheck"
)

func Example() {
	// Every differentiable op has at least one case.
	fmt.Println(len(opcheck.Uncovered()))
	// Check one case by hand, as Run does for all of them.
	for i, c := range opcheck.Cases() {
		if c.Name == "MatMul ta tb" {
			res, err := gradcheck.Check(c.F, opcheck.Inputs(c, uint32(i)), 1e-6)
			fmt.Println(c.Op, err, res.MaxRelErr < 1e-6)
		}
	}
	// Output:
	// 0
	// MatMul <nil> true
}
