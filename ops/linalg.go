package ops

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/tensor"
)

var matMulDef *op.OpDef

func init() {
	matMulDef = op.Register(&op.OpDef{
		Name:   "MatMul",
		Inputs: []string{"a", "b"},
		Attrs:  []op.AttrDef{{Name: "transpose_a", Default: false}, {Name: "transpose_b", Default: false}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			dt := sameDType("MatMul", in)
			if in[0].UnknownRank || in[1].UnknownRank {
				return unknown(dt)
			}
			as, bs := in[0].Shape, in[1].Shape
			if len(as) != 2 || len(bs) != 2 {
				panic(&tensor.Error{Op: "MatMul", Kind: tensor.ErrShape, Msg: fmt.Sprintf("needs matrices, a is %v, b is %v", as, bs)})
			}
			m, k := as[0], as[1]
			if a["transpose_a"].(bool) {
				m, k = k, m
			}
			k2, n := bs[0], bs[1]
			if a["transpose_b"].(bool) {
				k2, n = n, k2
			}
			if k >= 0 && k2 >= 0 && k != k2 {
				panic(&tensor.Error{Op: "MatMul", Kind: tensor.ErrShape, Msg: fmt.Sprintf("inner dimensions differ: a is %v, b is %v", as, bs)})
			}
			return meta1(op.Meta{DType: dt, Shape: tensor.Shape{m, n}})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			for i, t := range in {
				if t.Rank() != 2 {
					panic(&tensor.Error{Op: "MatMul", Kind: tensor.ErrShape, Msg: fmt.Sprintf("needs matrices, input %d is %v", i, t.Shape())})
				}
			}
			return one(cpu.MatMul(in[0], in[1], a["transpose_a"].(bool), a["transpose_b"].(bool)))
		},
		// For C = op(A)·op(B), TensorFlow's rules: each gradient is one MatMul of g with the other
		// operand, transposed so the shapes come out as A's and B's.
		Grad: func(c *op.GradCall) []*op.Value {
			a, b, g := c.Inputs[0], c.Inputs[1], c.Grads[0]
			ta, tb := c.Attr("transpose_a").(bool), c.Attr("transpose_b").(bool)
			switch {
			case !ta && !tb:
				return []*op.Value{MatMul(g, b, false, true), MatMul(a, g, true, false)}
			case !ta && tb:
				return []*op.Value{MatMul(g, b, false, false), MatMul(g, a, true, false)}
			case ta && !tb:
				return []*op.Value{MatMul(b, g, false, true), MatMul(a, g, false, false)}
			default:
				return []*op.Value{MatMul(b, g, true, true), MatMul(g, a, true, true)}
			}
		},
	})
}

// MatMul returns op(a)·op(b) for matrices, op transposing when asked (TensorFlow's MatMul).
// It panics naming both shapes when the inner dimensions differ.
func MatMul(a, b *op.Value, transposeA, transposeB bool) *op.Value {
	return op.Apply1(matMulDef, op.Attrs{"transpose_a": transposeA, "transpose_b": transposeB}, a, b)
}
