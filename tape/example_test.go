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

// A Hessian-vector product with nested tapes: for f(w) = sum((A·w)²), the Hessian is 2·AᵀA,
// so H·v = 2·Aᵀ(A·v) — computed here without forming H.
func ExampleGradientTape_hessianVectorProduct() {
	a := ops.Const(tensor.FromSlice([]float64{1, 2, 0, -1, 3, 1}, 3, 2))
	w := ops.Const(tensor.FromSlice([]float64{0.5, -2}, 2, 1))
	v := ops.Const(tensor.FromSlice([]float64{1, 3}, 2, 1))

	outer := tape.New(tape.Options{})
	outer.Watch(w)
	inner := tape.New(tape.Options{})
	inner.Watch(w)
	f := ops.Sum(ops.Square(ops.MatMul(a, w, false, false)))
	inner.Close()
	g, _ := inner.Gradient(f, w)    // ∇f = 2·Aᵀ(A·w), recorded by the outer tape
	gv := ops.Sum(ops.Mul(g[0], v)) // ∇f · v
	outer.Close()
	hv, _ := outer.Gradient(gv, w) // ∇(∇f · v) = H·v
	fmt.Println(ops.ReshapeTo(hv[0], 2))
	// Output: array([50., 46.])
}
