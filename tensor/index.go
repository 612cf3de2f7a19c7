package tensor

// PadMode chooses how Pad fills the border.
type PadMode int

// The padding modes of tf.pad.
const (
	PadConstant  PadMode = iota // a constant value
	PadReflect                  // mirror without repeating the edge: [1 2 3] -> 3 2 [1 2 3] 2 1
	PadSymmetric                // mirror repeating the edge:         [1 2 3] -> 2 1 [1 2 3] 3 2
)

// Pad adds paddings[i][0] elements before and paddings[i][1] after axis i, filled with value.
func Pad(t *Tensor, paddings [][2]int, value float64) *Tensor {
	return PadWith(t, paddings, PadConstant, value)
}

// PadWith pads like tf.pad with the given mode; value is used by PadConstant only. Reflect
// padding needs paddings smaller than the axis, symmetric at most the axis size.
func PadWith(t *Tensor, paddings [][2]int, mode PadMode, value float64) *Tensor {
	const op = "Pad"
	if len(paddings) != len(t.shape) {
		panicf(op, ErrArgument, "got %d paddings for a tensor of rank %d", len(paddings), len(t.shape))
	}
	shape := t.shape.Clone()
	for i, p := range paddings {
		if p[0] < 0 || p[1] < 0 {
			panicf(op, ErrArgument, "negative padding %v on axis %d", p, i)
		}
		limit := t.shape[i]
		if mode == PadReflect {
			limit--
		}
		if mode != PadConstant && (p[0] > limit || p[1] > limit) {
			panicf(op, ErrArgument, "padding %v on axis %d of size %d is too large for this mode", p, i, t.shape[i])
		}
		shape[i] += p[0] + p[1]
	}
	out := New(t.dtype, shape...)
	if mode == PadConstant && value != 0 {
		out.CopyFrom(Cast(Scalar(value), t.dtype))
	}
	inner := make([]Range, len(shape))
	for i, p := range paddings {
		inner[i] = R(p[0], p[0]+t.shape[i])
	}
	copyStrided(out.Slice(inner...), t)
	if mode == PadConstant {
		return out
	}
	// Mirror one axis at a time; later axes copy from borders already filled on earlier ones.
	for ax, p := range paddings {
		n := t.shape[ax]
		shift := 1
		if mode == PadSymmetric {
			shift = 0
		}
		for k := 1; k <= p[0]; k++ {
			dst := p[0] - k
			src := p[0] + k - 1 + shift
			copyStrided(axisSlice(out, ax, dst), axisSlice(out, ax, src))
		}
		for k := 1; k <= p[1]; k++ {
			dst := p[0] + n - 1 + k
			src := p[0] + n - k - shift
			copyStrided(axisSlice(out, ax, dst), axisSlice(out, ax, src))
		}
	}
	return out
}

// axisSlice is the rank-preserving view of index i along axis.
func axisSlice(t *Tensor, axis, i int) *Tensor {
	r := make([]Range, axis+1)
	for j := range axis {
		r[j] = Whole()
	}
	r[axis] = R(i, i+1)
	return t.Slice(r...)
}

// indexValues returns the int32/int64 indices as []int64.
func indexValues(op string, idx *Tensor) []int64 {
	switch idx.dtype {
	case Int64:
		return ToSlice[int64](idx)
	case Int32, Int8, Uint8:
		return ToSlice[int64](Cast(idx, Int64))
	}
	panicf(op, ErrDType, "indices must be an integer dtype, got %v", idx.dtype)
	return nil
}

// Gather picks slices of params along axis at the given integer indices (tf.gather): the result
// has shape params.shape[:axis] + indices.shape + params.shape[axis+1:]. Negative or too-large
// indices panic with ErrIndex naming the first bad one.
func Gather(params, indices *Tensor, axis int) *Tensor {
	const op = "Gather"
	a, ok := normAxis(axis, len(params.shape))
	if !ok {
		panicf(op, ErrIndex, "axis %d out of range for rank %d", axis, len(params.shape))
	}
	idx := indexValues(op, indices)
	d := params.shape[a]
	for i, x := range idx {
		if x < 0 || x >= int64(d) {
			panicf(op, ErrIndex, "indices[%d] = %d is not in [0, %d) for axis %d of params shape %v", i, x, d, axis, params.shape)
		}
	}
	shape := append(append(params.shape[:a:a].Clone(), indices.shape...), params.shape[a+1:]...)
	out := New(params.dtype, shape...)
	// View the output as [outer, len(idx), inner] and copy one params slice per index.
	o := out.Reshape(append(append(params.shape[:a:a].Clone(), len(idx)), params.shape[a+1:]...)...)
	for i, x := range idx {
		copyStrided(o.Select(a, i), params.Select(a, int(x)))
	}
	return out
}

// OneHot returns indices.shape + [depth] of dtype dt, with on where the last index equals the
// input value and off elsewhere (tf.one_hot with axis -1). Out-of-range indices, including
// negative ones, give a row of off values, as in TensorFlow.
func OneHot(indices *Tensor, depth int, dt DType, on, off float64) *Tensor {
	if depth < 0 {
		panicf("OneHot", ErrArgument, "negative depth %d", depth)
	}
	idx := indexValues("OneHot", indices)
	shape := append(indices.shape.Clone(), depth)
	out := New(Float64, shape...)
	od := Data[float64](out)
	for i := range od {
		od[i] = off
	}
	for i, x := range idx {
		if x >= 0 && x < int64(depth) {
			od[i*depth+int(x)] = on
		}
	}
	return Cast(out, dt)
}
