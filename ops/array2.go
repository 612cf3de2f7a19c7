package ops

import (
	"fmt"
	"slices"

	"github.com/tensorgraph/tensorgraph/op"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// renamed runs f and re-panics a *tensor.Error from it under the op's name, so eager errors
// name the registered op rather than the tensor function behind its kernel.
func renamed(name string, f func() *tensor.Tensor) *tensor.Tensor {
	var out *tensor.Tensor
	err := tensor.Catch(func() { out = f() })
	if te, ok := err.(*tensor.Error); ok {
		if te.Op != name {
			te.Msg = te.Op + ": " + te.Msg
			te.Op = name
		}
		panic(te)
	} else if err != nil {
		panic(err)
	}
	return out
}

func argErr(name string, kind error, format string, args ...any) *tensor.Error {
	return &tensor.Error{Op: name, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// fullPerm returns perm, or the reversal of rank axes when perm is empty (numpy.transpose).
func fullPerm(perm []int, rank int) []int {
	if len(perm) > 0 {
		return perm
	}
	p := make([]int, rank)
	for i := range p {
		p[i] = rank - 1 - i
	}
	return p
}

func checkPerm(perm []int, s tensor.Shape) {
	seen := make([]bool, len(s))
	ok := len(perm) == len(s)
	for _, p := range perm {
		if !ok || p < 0 || p >= len(s) || seen[p] {
			ok = false
			break
		}
		seen[p] = true
	}
	if !ok {
		panic(argErr("Transpose", tensor.ErrArgument, "perm %v is not a permutation of the axes of shape %v", perm, s))
	}
}

func invertPerm(perm []int) []int {
	inv := make([]int, len(perm))
	for i, p := range perm {
		inv[p] = i
	}
	return inv
}

// rankOf returns the rank of x, panicking when a graph does not know it (some gradient rules
// need it to build their reshapes).
func rankOf(name string, x *op.Value) int {
	m := x.Meta()
	if m.UnknownRank {
		panic(argErr(name, tensor.ErrArgument, "gradient needs the rank of its input, which is unknown"))
	}
	return len(m.Shape)
}

// metas describes concrete inputs, so kernels can run their op's Infer checks.
func metas(in []*tensor.Tensor) []op.Meta {
	out := make([]op.Meta, len(in))
	for i, t := range in {
		out[i] = op.Meta{DType: t.DType(), Shape: t.Shape()}
	}
	return out
}

func i64(v ...int) *op.Value { return op.Const(int64Vector(v)) }

var (
	transposeDef, squeezeDef, expandDimsDef, concatDef, concatOffsetDef, splitDef, splitVDef *op.OpDef
	sliceDef, padDef, gatherDef, segSumDef, tileDef, oneHotDef, argMaxDef, argMinDef         *op.OpDef
)

// Registration happens in init because gradient rules call the op functions that use these
// definitions, which Go's package-variable initialisation order would reject as a cycle.
func init() {
	transposeDef = op.Register(&op.OpDef{
		Name: "Transpose", Inputs: []string{"x"},
		Attrs: []op.AttrDef{{Name: "perm", Default: []int{}}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			if in[0].UnknownRank {
				return unknown(in[0].DType)
			}
			s := in[0].Shape
			perm := fullPerm(a["perm"].([]int), len(s))
			checkPerm(perm, s)
			out := make(tensor.Shape, len(s))
			for i, p := range perm {
				out[i] = s[p]
			}
			return meta1(op.Meta{DType: in[0].DType, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			perm := fullPerm(a["perm"].([]int), in[0].Rank())
			checkPerm(perm, in[0].Shape())
			return one(in[0].Transpose(perm...))
		},
		// The inverse permutation undoes it; the reversal is its own inverse.
		Grad: func(c *op.GradCall) []*op.Value {
			perm := c.Attr("perm").([]int)
			if len(perm) == 0 {
				return []*op.Value{Transpose(c.Grads[0])}
			}
			return []*op.Value{Transpose(c.Grads[0], invertPerm(perm)...)}
		},
	})

	reshapeBack := func(c *op.GradCall) []*op.Value {
		return []*op.Value{Reshape(c.Grads[0], Shape(c.Inputs[0]))}
	}
	squeezeDef = op.Register(&op.OpDef{
		Name: "Squeeze", Inputs: []string{"input"},
		Attrs: []op.AttrDef{{Name: "squeeze_dims", Default: []int{}}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			axes := a["squeeze_dims"].([]int)
			if in[0].UnknownRank {
				return unknown(in[0].DType)
			}
			s, r := in[0].Shape, len(in[0].Shape)
			drop := make([]bool, r)
			for _, ax := range axes {
				if ax < -r || ax >= r {
					panic(argErr("Squeeze", tensor.ErrIndex, "axis %d out of range for shape %v", ax, s))
				}
				ax = (ax + r) % r
				if s[ax] != 1 && s[ax] != -1 {
					panic(argErr("Squeeze", tensor.ErrShape, "axis %d of shape %v is not 1", ax, s))
				}
				drop[ax] = true
			}
			out := tensor.Shape{}
			for i, d := range s {
				if len(axes) == 0 && d == -1 {
					return unknown(in[0].DType) // whether it goes depends on the run
				}
				if !drop[i] && (len(axes) > 0 || d != 1) {
					out = append(out, d)
				}
			}
			return meta1(op.Meta{DType: in[0].DType, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			return one(renamed("Squeeze", func() *tensor.Tensor { return in[0].Squeeze(a["squeeze_dims"].([]int)...) }))
		},
		Grad: reshapeBack,
	})
	expandDimsDef = op.Register(&op.OpDef{
		Name: "ExpandDims", Inputs: []string{"input"},
		Attrs: []op.AttrDef{{Name: "axis", Default: 0}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			if in[0].UnknownRank {
				return unknown(in[0].DType)
			}
			s, ax := in[0].Shape, a["axis"].(int)
			r := len(s)
			if ax < -r-1 || ax > r {
				panic(argErr("ExpandDims", tensor.ErrIndex, "axis %d out of range for shape %v", ax, s))
			}
			if ax < 0 {
				ax += r + 1
			}
			out := slices.Insert(s.Clone(), ax, 1)
			return meta1(op.Meta{DType: in[0].DType, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			expandDimsDef.Infer(metas(in), a)
			return one(renamed("ExpandDims", func() *tensor.Tensor { return in[0].ExpandDims(a["axis"].(int)) }))
		},
		Grad: reshapeBack,
	})

	concatDef = op.Register(&op.OpDef{
		Name: "Concat", Inputs: []string{"values"}, Variadic: true,
		Attrs: []op.AttrDef{{Name: "axis", Default: 0}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			dt := sameDType("Concat", in)
			for _, m := range in {
				if m.UnknownRank {
					return unknown(dt)
				}
			}
			r := len(in[0].Shape)
			ax := a["axis"].(int)
			if ax < -r || ax >= r {
				panic(argErr("Concat", tensor.ErrIndex, "axis %d out of range for shape %v", ax, in[0].Shape))
			}
			ax = (ax + r) % r
			out := in[0].Shape.Clone()
			for _, m := range in[1:] {
				if len(m.Shape) != r {
					panic(argErr("Concat", tensor.ErrShape, "inputs have different ranks: %v and %v", in[0].Shape, m.Shape))
				}
				for i, d := range m.Shape {
					switch {
					case i == ax && (out[i] < 0 || d < 0):
						out[i] = -1
					case i == ax:
						out[i] += d
					case out[i] < 0:
						out[i] = d
					case d >= 0 && d != out[i]:
						panic(argErr("Concat", tensor.ErrShape, "shapes %v and %v differ off axis %d", in[0].Shape, m.Shape, ax))
					}
				}
			}
			return meta1(op.Meta{DType: dt, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			return one(renamed("Concat", func() *tensor.Tensor { return tensor.Concat(a["axis"].(int), in...) }))
		},
		// Each input's gradient is its slab of g, found with ConcatOffset (shapes may be known
		// only at run time).
		Grad: func(c *op.GradCall) []*op.Value {
			ax := c.Attr("axis").(int)
			shapes := make([]*op.Value, len(c.Inputs))
			for i, x := range c.Inputs {
				shapes[i] = Shape(x)
			}
			offs := ConcatOffset(ax, shapes...)
			out := make([]*op.Value, len(c.Inputs))
			for i := range c.Inputs {
				out[i] = Slice(c.Grads[0], offs[i], shapes[i])
			}
			return out
		},
	})
	concatOffsetDef = op.Register(&op.OpDef{
		Name: "ConcatOffset", Inputs: []string{"shape"}, Variadic: true, NotDifferentiable: true,
		Attrs: []op.AttrDef{{Name: "axis", Default: 0}},
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			out := make([]op.Meta, len(in))
			for i, m := range in {
				out[i] = op.Meta{DType: tensor.Int64, Shape: m.Shape}
			}
			return out
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			out := make([]*tensor.Tensor, len(in))
			at := 0
			for i, t := range in {
				s := ints("ConcatOffset", "shape", t)
				ax := a["axis"].(int)
				if ax < -len(s) || ax >= len(s) {
					panic(argErr("ConcatOffset", tensor.ErrIndex, "axis %d out of range for shape %v", ax, s))
				}
				ax = (ax + len(s)) % len(s)
				off := make([]int, len(s))
				off[ax] = at
				at += s[ax]
				out[i] = int64Vector(off)
			}
			return out
		},
	})

	splitInfer := func(name string, sizes func(s tensor.Shape, d int, a op.Attrs) []int) func(in []op.Meta, a op.Attrs) []op.Meta {
		return func(in []op.Meta, a op.Attrs) []op.Meta {
			n := len(sizes(nil, -1, a))
			out := make([]op.Meta, n)
			if in[0].UnknownRank {
				for i := range out {
					out[i] = op.Meta{DType: in[0].DType, UnknownRank: true}
				}
				return out
			}
			s, ax := in[0].Shape, a["axis"].(int)
			if ax < -len(s) || ax >= len(s) {
				panic(argErr(name, tensor.ErrIndex, "axis %d out of range for shape %v", ax, s))
			}
			ax = (ax + len(s)) % len(s)
			for i, sz := range sizes(s, s[ax], a) {
				o := s.Clone()
				o[ax] = sz
				out[i] = op.Meta{DType: in[0].DType, Shape: o}
			}
			return out
		}
	}
	// The gradient of a split is the concatenation of its outputs' gradients (outputs that got
	// none arrive as zeros).
	splitGrad := func(c *op.GradCall) []*op.Value {
		return []*op.Value{Concat(c.Attr("axis").(int), c.Grads...)}
	}
	splitDef = op.Register(&op.OpDef{
		Name: "Split", Inputs: []string{"value"},
		Attrs: []op.AttrDef{{Name: "axis", Default: 0}, {Name: "num_split"}},
		Infer: splitInfer("Split", func(s tensor.Shape, d int, a op.Attrs) []int {
			n := a["num_split"].(int)
			if n <= 0 {
				panic(argErr("Split", tensor.ErrArgument, "num_split %d must be positive", n))
			}
			if d >= 0 && d%n != 0 {
				panic(argErr("Split", tensor.ErrShape, "shape %v: axis of size %d does not split into %d equal parts", s, d, n))
			}
			out := make([]int, n)
			for i := range out {
				out[i] = -1
				if d >= 0 {
					out[i] = d / n
				}
			}
			return out
		}),
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			splitDef.Infer(metas(in), a) // errors that name the shape
			var out []*tensor.Tensor
			renamed("Split", func() *tensor.Tensor {
				out = tensor.SplitN(in[0], a["axis"].(int), a["num_split"].(int))
				return nil
			})
			return out
		},
		Grad: splitGrad,
	})
	splitVDef = op.Register(&op.OpDef{
		Name: "SplitV", Inputs: []string{"value"},
		Attrs: []op.AttrDef{{Name: "axis", Default: 0}, {Name: "size_splits"}},
		Infer: splitInfer("SplitV", func(s tensor.Shape, d int, a op.Attrs) []int {
			sizes := slices.Clone(a["size_splits"].([]int))
			rest, sum := -1, 0
			for i, s := range sizes {
				if s == -1 && rest < 0 {
					rest = i
				} else if s < 0 {
					panic(argErr("SplitV", tensor.ErrArgument, "bad size_splits %v", sizes))
				} else {
					sum += s
				}
			}
			if d >= 0 && rest >= 0 {
				sizes[rest] = d - sum
			}
			if d >= 0 && (sum > d || (rest < 0 && sum != d)) {
				panic(argErr("SplitV", tensor.ErrShape, "shape %v: size_splits %v do not fit an axis of size %d", s, a["size_splits"], d))
			}
			return sizes
		}),
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			splitVDef.Infer(metas(in), a)
			var out []*tensor.Tensor
			renamed("SplitV", func() *tensor.Tensor {
				out = tensor.Split(in[0], a["axis"].(int), a["size_splits"].([]int)...)
				return nil
			})
			return out
		},
		Grad: splitGrad,
	})

	sliceDef = op.Register(&op.OpDef{
		Name: "Slice", Inputs: []string{"input", "begin", "size"},
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			if in[1].Const == nil || in[2].Const == nil || in[0].UnknownRank {
				if !in[0].UnknownRank {
					s := make(tensor.Shape, len(in[0].Shape))
					for i := range s {
						s[i] = -1
					}
					return meta1(op.Meta{DType: in[0].DType, Shape: s})
				}
				return unknown(in[0].DType)
			}
			s := in[0].Shape
			b, z := ints("Slice", "begin", in[1].Const), ints("Slice", "size", in[2].Const)
			checkSlice(s, b, z)
			out := make(tensor.Shape, len(s))
			for i := range s {
				out[i] = z[i]
				if z[i] == -1 {
					out[i] = -1
					if s[i] >= 0 {
						out[i] = s[i] - b[i]
					}
				}
			}
			return meta1(op.Meta{DType: in[0].DType, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, _ op.Attrs) []*tensor.Tensor {
			s := in[0].Shape()
			b, z := ints("Slice", "begin", in[1]), ints("Slice", "size", in[2])
			checkSlice(s, b, z)
			r := make([]tensor.Range, len(s))
			for i := range s {
				end := b[i] + z[i]
				if z[i] == -1 {
					end = s[i]
				}
				r[i] = tensor.R(b[i], end)
			}
			return one(in[0].Slice(r...))
		},
		// Pad g back with zeros: begin before, and what is left of the input after.
		Grad: func(c *op.GradCall) []*op.Value {
			x, y := c.Inputs[0], c.Outputs[0]
			begin := Cast(c.Inputs[1], tensor.Int64)
			after := Sub(Sub(Shape(x), begin), Shape(y))
			pads := Concat(1, ExpandDims(begin, 1), ExpandDims(after, 1))
			return []*op.Value{Pad(c.Grads[0], pads), nil, nil}
		},
	})
	padDef = op.Register(&op.OpDef{
		Name: "Pad", Inputs: []string{"input", "paddings"},
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			if in[0].UnknownRank {
				return unknown(in[0].DType)
			}
			s := in[0].Shape
			if in[1].Const == nil {
				u := make(tensor.Shape, len(s))
				for i := range u {
					u[i] = -1
				}
				return meta1(op.Meta{DType: in[0].DType, Shape: u})
			}
			p := paddingsOf(in[1].Const, s)
			out := s.Clone()
			for i := range out {
				if out[i] >= 0 {
					out[i] += p[i][0] + p[i][1]
				}
			}
			return meta1(op.Meta{DType: in[0].DType, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, _ op.Attrs) []*tensor.Tensor {
			p := paddingsOf(in[1], in[0].Shape())
			return one(tensor.Pad(in[0], p, 0))
		},
		// Slice the unpadded middle back out of g.
		Grad: func(c *op.GradCall) []*op.Value {
			x := c.Inputs[0]
			p := Cast(c.Inputs[1], tensor.Int64)
			begin := ReshapeTo(Slice(p, i64(0, 0), i64(-1, 1)), -1)
			return []*op.Value{Slice(c.Grads[0], begin, Shape(x)), nil}
		},
	})

	gatherDef = op.Register(&op.OpDef{
		Name: "Gather", Inputs: []string{"params", "indices"},
		Attrs: []op.AttrDef{{Name: "axis", Default: 0}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			if !in[1].DType.IsInteger() {
				panic(argErr("Gather", tensor.ErrDType, "indices must be integers, got %v", in[1].DType))
			}
			if in[0].UnknownRank || in[1].UnknownRank {
				return unknown(in[0].DType)
			}
			s, ax := in[0].Shape, a["axis"].(int)
			if ax < -len(s) || ax >= len(s) {
				panic(argErr("Gather", tensor.ErrIndex, "axis %d out of range for params shape %v", ax, s))
			}
			ax = (ax + len(s)) % len(s)
			out := append(append(s[:ax:ax].Clone(), in[1].Shape...), s[ax+1:]...)
			return meta1(op.Meta{DType: in[0].DType, Shape: out})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			return one(tensor.Gather(in[0], in[1], a["axis"].(int)))
		},
		// TensorFlow's rule, dense: move the gathered axis to the front, sum the gradient rows
		// into the rows they came from with UnsortedSegmentSum, and move the axis back.
		Grad: func(c *op.GradCall) []*op.Value {
			params, indices, g := c.Inputs[0], c.Inputs[1], c.Grads[0]
			r := rankOf("Gather", params)
			ax := (c.Attr("axis").(int) + r) % r
			ps := Shape(params)
			flat := ReshapeTo(indices, -1)
			n := Slice(ps, i64(ax), i64(1))
			if ax == 0 {
				g2 := Reshape(g, Concat(0, i64(-1), Slice(ps, i64(1), i64(-1))))
				return []*op.Value{UnsortedSegmentSum(g2, flat, n), nil}
			}
			g2 := Reshape(g, Concat(0, Slice(ps, i64(0), i64(ax)), i64(-1), Slice(ps, i64(ax+1), i64(-1))))
			perm := append([]int{ax}, make([]int, 0, r-1)...)
			for i := range r {
				if i != ax {
					perm = append(perm, i)
				}
			}
			s := UnsortedSegmentSum(Transpose(g2, perm...), flat, n)
			return []*op.Value{Transpose(s, invertPerm(perm)...), nil}
		},
	})
	segSumDef = op.Register(&op.OpDef{
		Name: "UnsortedSegmentSum", Inputs: []string{"data", "segment_ids", "num_segments"},
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			if !in[1].DType.IsInteger() {
				panic(argErr("UnsortedSegmentSum", tensor.ErrDType, "segment_ids must be integers, got %v", in[1].DType))
			}
			if in[0].UnknownRank || in[1].UnknownRank {
				return unknown(in[0].DType)
			}
			n := -1
			if in[2].Const != nil {
				n = ints("UnsortedSegmentSum", "num_segments", in[2].Const)[0]
			}
			k := len(in[1].Shape)
			if k > len(in[0].Shape) {
				panic(argErr("UnsortedSegmentSum", tensor.ErrShape, "segment_ids shape %v is not a prefix of data shape %v", in[1].Shape, in[0].Shape))
			}
			return meta1(op.Meta{DType: in[0].DType, Shape: append(tensor.Shape{n}, in[0].Shape[k:]...)})
		},
		Kernel: func(in []*tensor.Tensor, _ op.Attrs) []*tensor.Tensor {
			return one(unsortedSegmentSum(in[0], in[1], in[2]))
		},
		// Each data row came from one segment: gather g's rows back; rows with negative ids
		// were dropped and get zero (TensorFlow's _GatherDropNegatives).
		Grad: func(c *op.GradCall) []*op.Value {
			ids, g := c.Inputs[1], c.Grads[0]
			zero := ZerosLike(ids)
			got := Gather(g, Maximum(ids, zero), 0)
			keep := GreaterEqual(ids, zero)
			ones := make([]int, rankOf("UnsortedSegmentSum", g)-1)
			for i := range ones {
				ones[i] = 1
			}
			keep = Reshape(keep, Concat(0, Shape(ids), i64(ones...)))
			return []*op.Value{Where(keep, got, ZerosLike(got)), nil, nil}
		},
	})

	tileDef = op.Register(&op.OpDef{
		Name: "Tile", Inputs: []string{"input", "multiples"},
		Infer: func(in []op.Meta, _ op.Attrs) []op.Meta {
			if in[0].UnknownRank {
				return unknown(in[0].DType)
			}
			s := in[0].Shape.Clone()
			if in[1].Const == nil {
				for i := range s {
					s[i] = -1
				}
				return meta1(op.Meta{DType: in[0].DType, Shape: s})
			}
			m := ints("Tile", "multiples", in[1].Const)
			checkMultiples(in[0].Shape, m)
			for i := range s {
				if s[i] >= 0 {
					s[i] *= m[i]
				}
			}
			return meta1(op.Meta{DType: in[0].DType, Shape: s})
		},
		Kernel: func(in []*tensor.Tensor, _ op.Attrs) []*tensor.Tensor {
			x := in[0]
			m := ints("Tile", "multiples", in[1])
			s := x.Shape()
			checkMultiples(s, m)
			// View x as [1, d0, 1, d1, ...], broadcast to [m0, d0, m1, d1, ...], then merge.
			split, big, out := make([]int, 0, 2*len(s)), make([]int, 0, 2*len(s)), make([]int, len(s))
			for i, d := range s {
				split = append(split, 1, d)
				big = append(big, m[i], d)
				out[i] = m[i] * d
			}
			return one(x.Contiguous().Reshape(split...).BroadcastTo(big...).Clone().Reshape(out...))
		},
		// Tile's output viewed as [m0, d0, m1, d1, ...] holds m0·m1·... copies of x: sum them.
		Grad: func(c *op.GradCall) []*op.Value {
			x := c.Inputs[0]
			r := rankOf("Tile", x)
			m := Cast(c.Inputs[1], tensor.Int64)
			split := ReshapeTo(Concat(1, ExpandDims(m, 1), ExpandDims(Shape(x), 1)), -1)
			axes := make([]int, r)
			for i := range axes {
				axes[i] = 2 * i
			}
			return []*op.Value{Reshape(ReduceSum(Reshape(c.Grads[0], split), i64(axes...), false), Shape(x)), nil}
		},
	})

	oneHotDef = op.Register(&op.OpDef{
		Name: "OneHot", Inputs: []string{"indices"}, NotDifferentiable: true,
		Attrs: []op.AttrDef{{Name: "depth"}, {Name: "on_value", Default: 1.0}, {Name: "off_value", Default: 0.0}, {Name: "dtype", Default: tensor.Float32}},
		Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
			dt := a["dtype"].(tensor.DType)
			if !in[0].DType.IsInteger() {
				panic(argErr("OneHot", tensor.ErrDType, "indices must be integers, got %v", in[0].DType))
			}
			if in[0].UnknownRank {
				return unknown(dt)
			}
			return meta1(op.Meta{DType: dt, Shape: append(in[0].Shape.Clone(), a["depth"].(int))})
		},
		Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor {
			return one(tensor.OneHot(in[0], a["depth"].(int), a["dtype"].(tensor.DType), a["on_value"].(float64), a["off_value"].(float64)))
		},
	})
	argDef := func(name string, f func(*tensor.Tensor, int) *tensor.Tensor) *op.OpDef {
		return op.Register(&op.OpDef{
			Name: name, Inputs: []string{"input"}, NotDifferentiable: true,
			Attrs: []op.AttrDef{{Name: "axis", Default: 0}},
			Infer: func(in []op.Meta, a op.Attrs) []op.Meta {
				if in[0].UnknownRank {
					return unknown(tensor.Int64)
				}
				s, ax := in[0].Shape, a["axis"].(int)
				if ax < -len(s) || ax >= len(s) {
					panic(argErr(name, tensor.ErrIndex, "axis %d out of range for shape %v", ax, s))
				}
				ax = (ax + len(s)) % len(s)
				return meta1(op.Meta{DType: tensor.Int64, Shape: slices.Delete(s.Clone(), ax, ax+1)})
			},
			Kernel: func(in []*tensor.Tensor, a op.Attrs) []*tensor.Tensor { return one(f(in[0], a["axis"].(int))) },
		})
	}
	argMaxDef = argDef("ArgMax", tensor.ArgMax)
	argMinDef = argDef("ArgMin", tensor.ArgMin)
}

func checkSlice(s tensor.Shape, b, z []int) {
	if len(b) != len(s) || len(z) != len(s) {
		panic(argErr("Slice", tensor.ErrArgument, "begin %v and size %v must have one entry per axis of shape %v", b, z, s))
	}
	for i := range s {
		if s[i] < 0 {
			continue
		}
		if b[i] < 0 || z[i] < -1 || b[i] > s[i] || (z[i] >= 0 && b[i]+z[i] > s[i]) {
			panic(argErr("Slice", tensor.ErrIndex, "begin %v, size %v out of range for shape %v", b, z, s))
		}
	}
}

func checkMultiples(s tensor.Shape, m []int) {
	if len(m) != len(s) {
		panic(argErr("Tile", tensor.ErrArgument, "multiples %v must have one entry per axis of shape %v", m, s))
	}
	for _, x := range m {
		if x < 0 {
			panic(argErr("Tile", tensor.ErrArgument, "negative multiple in %v", m))
		}
	}
}

// paddingsOf reads a [rank, 2] integer paddings tensor.
func paddingsOf(t *tensor.Tensor, shape tensor.Shape) [][2]int {
	rank := len(shape)
	if !t.Shape().Equal(tensor.Shape{rank, 2}) || !t.DType().IsInteger() {
		panic(argErr("Pad", tensor.ErrArgument, "paddings for input shape %v must be an integer [%d, 2] tensor, got %v %v", shape, rank, t.DType(), t.Shape()))
	}
	v := ints("Pad", "paddings", t.Reshape(-1))
	p := make([][2]int, rank)
	for i := range p {
		p[i] = [2]int{v[2*i], v[2*i+1]}
		if p[i][0] < 0 || p[i][1] < 0 {
			panic(argErr("Pad", tensor.ErrArgument, "negative padding %v on axis %d", p[i], i))
		}
	}
	return p
}

// unsortedSegmentSum adds data's rows (leading axes: those of ids) into out[ids[i]]; rows with
// negative ids are dropped, as in TensorFlow. It accumulates in float64 (integers beyond 2^53
// lose precision).
func unsortedSegmentSum(data, ids, num *tensor.Tensor) *tensor.Tensor {
	const name = "UnsortedSegmentSum"
	if num.NumElements() != 1 {
		panic(argErr(name, tensor.ErrArgument, "num_segments must be a scalar, got shape %v", num.Shape()))
	}
	n := ints(name, "num_segments", num)[0]
	ds, is := data.Shape(), ids.Shape()
	if len(is) > len(ds) || !ds[:len(is)].Equal(is) {
		panic(argErr(name, tensor.ErrShape, "segment_ids shape %v is not a prefix of data shape %v", is, ds))
	}
	if !ids.DType().IsInteger() {
		panic(argErr(name, tensor.ErrDType, "segment_ids must be integers, got %v", ids.DType()))
	}
	id := ints(name, "segment_ids", ids.Reshape(-1))
	rest := ds[len(is):]
	inner := rest.NumElements()
	src := tensor.ToSlice[float64](tensor.Cast(data, tensor.Float64))
	out := make([]float64, n*inner)
	for i, k := range id {
		if k >= n {
			panic(argErr(name, tensor.ErrIndex, "segment_ids[%d] = %d is not below num_segments %d", i, k, n))
		}
		if k < 0 {
			continue
		}
		for j := range inner {
			out[k*inner+j] += src[i*inner+j]
		}
	}
	return tensor.Cast(tensor.FromSlice(out, append(tensor.Shape{n}, rest...)...), data.DType())
}

// Transpose permutes x's axes: output axis i is input axis perm[i]; no perm reverses them
// (tf.transpose). The gradient is g transposed by the inverse permutation.
func Transpose(x *op.Value, perm ...int) *op.Value {
	if perm == nil {
		perm = []int{}
	}
	return op.Apply1(transposeDef, op.Attrs{"perm": perm}, x)
}

// Squeeze removes the given size-1 axes, or every size-1 axis if none are given
// (tf.squeeze). The gradient is g reshaped to x's shape.
func Squeeze(x *op.Value, axes ...int) *op.Value {
	if axes == nil {
		axes = []int{}
	}
	return op.Apply1(squeezeDef, op.Attrs{"squeeze_dims": axes}, x)
}

// ExpandDims inserts a size-1 axis at axis, in [-rank-1, rank] (tf.expand_dims). The gradient
// is g reshaped to x's shape.
func ExpandDims(x *op.Value, axis int) *op.Value {
	return op.Apply1(expandDimsDef, op.Attrs{"axis": axis}, x)
}

// Concat joins values of one dtype along axis; other dimensions must agree (tf.concat). Each
// input's gradient is its slice of g.
func Concat(axis int, values ...*op.Value) *op.Value {
	return op.Apply1(concatDef, op.Attrs{"axis": axis}, values...)
}

// ConcatOffset returns, for inputs of the given int64 shapes concatenated along axis, where
// each starts in the result (TensorFlow's op of the same name, used by Concat's gradient).
func ConcatOffset(axis int, shapes ...*op.Value) []*op.Value {
	return op.Apply(concatOffsetDef, op.Attrs{"axis": axis}, shapes...)
}

// Split cuts x along axis into n equal parts (tf.split with an integer). The gradient is the
// concatenation of the parts' gradients.
func Split(x *op.Value, axis, n int) []*op.Value {
	return op.Apply(splitDef, op.Attrs{"axis": axis, "num_split": n}, x)
}

// SplitV cuts x along axis into parts of the given sizes, one of which may be -1 for the rest
// (tf.split with a list).
func SplitV(x *op.Value, axis int, sizes ...int) []*op.Value {
	return op.Apply(splitVDef, op.Attrs{"axis": axis, "size_splits": sizes}, x)
}

// Slice returns x[begin[i] : begin[i]+size[i]] on every axis i, size -1 meaning to the end
// (tf.slice); begin and size are integer vectors of x's rank. The gradient pads g with zeros
// back to x's shape.
func Slice(x, begin, size *op.Value) *op.Value { return op.Apply1(sliceDef, nil, x, begin, size) }

// Pad adds paddings[i][0] zeros before and paddings[i][1] after axis i; paddings is an
// integer [rank, 2] tensor (tf.pad, constant mode, value 0). The gradient slices g back.
func Pad(x, paddings *op.Value) *op.Value { return op.Apply1(padDef, nil, x, paddings) }

// Gather picks slices of params along axis at the integer indices (tf.gather): the result is
// params.shape[:axis] + indices.shape + params.shape[axis+1:]. Params' gradient is dense:
// g's slices summed into the rows they were gathered from (UnsortedSegmentSum).
func Gather(params, indices *op.Value, axis int) *op.Value {
	return op.Apply1(gatherDef, op.Attrs{"axis": axis}, params, indices)
}

// UnsortedSegmentSum returns out with out[k] = sum of data[i] over i with segmentIDs[i] = k,
// for k < numSegments (an integer scalar); segmentIDs' shape is a prefix of data's and the
// result is [numSegments] + data.shape[ids.rank:]. Negative ids are dropped, ids >= numSegments
// panic (tf.math.unsorted_segment_sum). The gradient gathers g's rows back.
func UnsortedSegmentSum(data, segmentIDs, numSegments *op.Value) *op.Value {
	return op.Apply1(segSumDef, nil, data, segmentIDs, numSegments)
}

// Tile repeats x multiples[i] times along axis i (tf.tile); multiples is an integer vector of
// x's rank. The gradient sums g's copies.
func Tile(x, multiples *op.Value) *op.Value { return op.Apply1(tileDef, nil, x, multiples) }

// OneHot returns indices.shape + [depth] of dtype dt with on where the last index equals the
// index and off elsewhere; out-of-range indices give all off (tf.one_hot, axis -1). No
// gradient.
func OneHot(indices *op.Value, depth int, dt tensor.DType, on, off float64) *op.Value {
	return op.Apply1(oneHotDef, op.Attrs{"depth": depth, "dtype": dt, "on_value": on, "off_value": off}, indices)
}

// ArgMax returns the int64 index of the largest element along axis (first on ties). No
// gradient.
func ArgMax(x *op.Value, axis int) *op.Value { return op.Apply1(argMaxDef, op.Attrs{"axis": axis}, x) }

// ArgMin returns the int64 index of the smallest element along axis (first on ties). No
// gradient.
func ArgMin(x *op.Value, axis int) *op.Value { return op.Apply1(argMinDef, op.Attrs{"axis": axis}, x) }
