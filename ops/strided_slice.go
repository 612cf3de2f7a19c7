package ops

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// SliceMasks are StridedSlice's bit masks (bit i refers to entry i of begin/end/strides), with
// TensorFlow's meanings: BeginMask/EndMask ignore begin[i]/end[i] (slice from the start/to the
// end); Ellipsis marks the entry standing for "..." (all the axes not otherwise named);
// NewAxis inserts a size-1 axis (np.newaxis); ShrinkAxis takes the single index begin[i] and
// drops the axis.
type SliceMasks struct {
	BeginMask, EndMask, Ellipsis, NewAxis, ShrinkAxis int
}

func (m SliceMasks) attrs() op.Attrs {
	return op.Attrs{"begin_mask": m.BeginMask, "end_mask": m.EndMask, "ellipsis_mask": m.Ellipsis,
		"new_axis_mask": m.NewAxis, "shrink_axis_mask": m.ShrinkAxis}
}

func masksOf(a op.Attrs) SliceMasks {
	return SliceMasks{a["begin_mask"].(int), a["end_mask"].(int), a["ellipsis_mask"].(int), a["new_axis_mask"].(int), a["shrink_axis_mask"].(int)}
}

var sliceMaskAttrs = []op.AttrDef{{Name: "begin_mask", Default: 0}, {Name: "end_mask", Default: 0},
	{Name: "ellipsis_mask", Default: 0}, {Name: "new_axis_mask", Default: 0}, {Name: "shrink_axis_mask", Default: 0}}

// stridedView applies a strided-slice spec to t: a view of t's elements with the output shape.
func stridedView(name string, t *tensor.Tensor, begin, end, strides []int, m SliceMasks) *tensor.Tensor {
	if len(end) != len(begin) || len(strides) != len(begin) {
		panic(&tensor.Error{Op: name, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("begin, end and strides have lengths %d, %d and %d; want equal", len(begin), len(end), len(strides))})
	}
	if m.Ellipsis&(m.Ellipsis-1) != 0 {
		panic(&tensor.Error{Op: name, Kind: tensor.ErrArgument, Msg: "more than one ellipsis"})
	}
	rank := t.Rank()
	named := 0 // spec entries that consume an input axis
	for i := range begin {
		if m.Ellipsis&(1<<i) == 0 && m.NewAxis&(1<<i) == 0 {
			named++
		}
	}
	if named > rank {
		panic(&tensor.Error{Op: name, Kind: tensor.ErrIndex, Msg: fmt.Sprintf("%d indexed axes for input of shape %v", named, t.Shape())})
	}
	ranges := make([]tensor.Range, rank)
	for i := range ranges {
		ranges[i] = tensor.Whole()
	}
	var out tensor.Shape
	type pending struct{ axis, pos int } // input axis whose size goes to output position pos
	var sized []pending
	ax := 0
	for i := range begin {
		bit := 1 << i
		switch {
		case m.Ellipsis&bit != 0:
			for k := 0; k < rank-named; k++ {
				sized = append(sized, pending{ax, len(out)})
				out = append(out, -1)
				ax++
			}
		case m.NewAxis&bit != 0:
			out = append(out, 1)
		case m.ShrinkAxis&bit != 0:
			d := t.Dim(ax)
			b := begin[i]
			if b < 0 {
				b += d
			}
			if b < 0 || b >= d {
				panic(&tensor.Error{Op: name, Kind: tensor.ErrIndex, Msg: fmt.Sprintf("index %d out of range for axis %d of size %d", begin[i], ax, d)})
			}
			ranges[ax] = tensor.R(b, b+1)
			ax++
		default:
			if strides[i] == 0 {
				panic(&tensor.Error{Op: name, Kind: tensor.ErrArgument, Msg: fmt.Sprintf("strides[%d] is zero", i)})
			}
			r := tensor.RS(begin[i], end[i], strides[i])
			if m.BeginMask&bit != 0 {
				r.Start = tensor.None
			}
			if m.EndMask&bit != 0 {
				r.Stop = tensor.None
			}
			ranges[ax] = r
			sized = append(sized, pending{ax, len(out)})
			out = append(out, -1)
			ax++
		}
	}
	for ; ax < rank; ax++ { // axes after the spec are taken whole
		sized = append(sized, pending{ax, len(out)})
		out = append(out, -1)
	}
	v := t.Slice(ranges...)
	for _, p := range sized {
		out[p.pos] = v.Dim(p.axis)
	}
	return v.Reshape(out...) // only unit axes are added or removed: a view
}

var stridedSliceDef, stridedSliceGradDef *op.OpDef

func init() {
	stridedSliceDef = op.Register(&op.OpDef{
		Name: "StridedSlice", Inputs: []string{"input", "begin", "end", "strides"}, Attrs: sliceMaskAttrs,
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			if in[0].UnknownRank || !knownShape(in[0].Shape) || in[1].Const == nil || in[2].Const == nil || in[3].Const == nil {
				return unknown(in[0].DType)
			}
			// A stride-0 broadcast of a scalar has the input's shape and no memory to speak of.
			shape := stridedView("StridedSlice", tensor.New(in[0].DType).BroadcastTo(in[0].Shape...),
				ints("StridedSlice", "begin", in[1].Const), ints("StridedSlice", "end", in[2].Const),
				ints("StridedSlice", "strides", in[3].Const), masksOf(a)).Shape()
			return meta1(op.Meta{DType: in[0].DType, Shape: shape})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			v := stridedView("StridedSlice", in[0], ints("StridedSlice", "begin", in[1]),
				ints("StridedSlice", "end", in[2]), ints("StridedSlice", "strides", in[3]), masksOf(a))
			return one(v.Clone()) // results do not alias their input
		},
		Grad: func(c *op.GradCall) []*op.Value {
			in := c.Inputs
			return []*op.Value{StridedSliceGrad(Shape(in[0]), in[1], in[2], in[3], c.Grads[0], masksOf(c.Attrs)), nil, nil, nil}
		},
	})
	stridedSliceGradDef = op.Register(&op.OpDef{
		Name: "StridedSliceGrad", Inputs: []string{"shape", "begin", "end", "strides", "dy"}, Attrs: sliceMaskAttrs,
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			return shapeFromConst("StridedSliceGrad", in[0], in[4].DType)
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			out := tensor.New(in[4].DType(), ints("StridedSliceGrad", "shape", in[0])...)
			v := stridedView("StridedSliceGrad", out, ints("StridedSliceGrad", "begin", in[1]),
				ints("StridedSliceGrad", "end", in[2]), ints("StridedSliceGrad", "strides", in[3]), masksOf(a))
			if !v.Shape().Equal(in[4].Shape()) {
				panic(&tensor.Error{Op: "StridedSliceGrad", Kind: tensor.ErrShape, Msg: fmt.Sprintf("dy has shape %v, the slice has %v", in[4].Shape(), v.Shape())})
			}
			v.CopyFrom(in[4])
			return one(out)
		},
		// Linear in dy: its gradient slices the incoming gradient the same way.
		Grad: func(c *op.GradCall) []*op.Value {
			in := c.Inputs
			return []*op.Value{nil, nil, nil, nil, StridedSlice(c.Grads[0], in[1], in[2], in[3], masksOf(c.Attrs))}
		},
	})
}

// StridedSlice is NumPy-style basic indexing (tf.strided_slice): for each entry i of begin,
// end and strides, x[begin[i]:end[i]:strides[i]] along the next axis, modified by the masks
// (see SliceMasks). Axes after the spec are taken whole. begin, end and strides are integer
// vectors of one length. It panics on a zero stride, an index out of range for a shrunk
// axis, or more indexed axes than x has.
func StridedSlice(x, begin, end, strides *op.Value, m SliceMasks) *op.Value {
	return op.Apply1(stridedSliceDef, m.attrs(), x, begin, end, strides)
}

// StridedSliceGrad returns zeros of the given shape with dy written into the slice that
// StridedSlice with the same spec would read: the gradient of StridedSlice.
func StridedSliceGrad(shape, begin, end, strides, dy *op.Value, m SliceMasks) *op.Value {
	return op.Apply1(stridedSliceGradDef, m.attrs(), shape, begin, end, strides, dy)
}
