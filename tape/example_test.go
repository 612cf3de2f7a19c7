package tape_test

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/ops"
	"github.com/tensorgraph/tensorgraph/tape"
	"github.com/tensorgraph/tensorgraph/tensor"
)

func ExampleGradientTape_Gradient() {
	x := ops.Const(tensor.FromSlice([]float64{1, 2, 3}))
	t := tape.New(tape.Options{})
	t.Watch(x)
	y := ops.Sum(ops.Square(x))
	t.Close()
	g, err := t.Gradient(y, x)
	fmt.Println(g[0], err)
	// Output: array([2., 4., 6.]) <nil>
}
