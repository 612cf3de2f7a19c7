package op_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/op"
	_ "github.com/tensorgraph/tensorgraph/ops" // registers the ops
)

func ExampleLookup() {
	d, err := op.Lookup("MatMul")
	fmt.Println(d.Name, d.Inputs, len(d.Attrs), d.NotDifferentiable, err)
	_, err = op.Lookup("Conv3D")
	fmt.Println(err)
	// Output:
	// MatMul [a b] 2 false <nil>
	// op: no op named "Conv3D" is registered (is the package that defines it, usually ops, imported?)
}
