package tensor

import (
	"math"
	"slices"

	"github.com/tensorgraph/tensorgraph/internal/vec"
)

// ReduceOp names a reduction.
type ReduceOp int

// The reductions.
const (
	ReduceSum ReduceOp = iota
	ReduceMean
	ReduceMax
	ReduceMin
	ReduceProd
)

var reduceNames = [...]string{"Sum", "Mean", "Max", "Min", "Prod"}

func (r ReduceOp) String() string {
	if int(r) < len(reduceNames) {
		return reduceNames[r]
	}
	return "ReduceOp(?)"
}

// Sum adds the elements over the given axes (all axes if none), dropping them.
func Sum(t *Tensor, axes ...int) *Tensor { return Reduce(ReduceSum, t, false, axes...) }

// Mean averages over the given axes (all if none). Integer tensors divide with truncation and
// keep their dtype, as tf.reduce_mean does.
func Mean(t *Tensor, axes ...int) *Tensor { return Reduce(ReduceMean, t, false, axes...) }

// Max is the largest element over the given axes (all if none); NaN propagates.
func Max(t *Tensor, axes ...int) *Tensor { return Reduce(ReduceMax, t, false, axes...) }

// Min is the smallest element over the given axes (all if none); NaN propagates.
func Min(t *Tensor, axes ...int) *Tensor { return Reduce(ReduceMin, t, false, axes...) }

// Prod multiplies the elements over the given axes (all if none).
func Prod(t *Tensor, axes ...int) *Tensor { return Reduce(ReduceProd, t, false, axes...) }

// Any reports, for a bool tensor, whether any element over the axes is true.
func Any(t *Tensor, axes ...int) *Tensor { return boolReduce("Any", ReduceMax, t, axes) }

// All reports, for a bool tensor, whether every element over the axes is true.
func All(t *Tensor, axes ...int) *Tensor { return boolReduce("All", ReduceMin, t, axes) }

func boolReduce(name string, op ReduceOp, t *Tensor, axes []int) *Tensor {
	if t.dtype != Bool {
		panicf(name, ErrDType, "needs a bool tensor, got %v", t.dtype)
	}
	r := Reduce(op, t.reinterpret(Uint8), false, axes...)
	return r.reinterpret(Bool)
}

// reinterpret views the same bytes as another dtype of equal size.
func (t *Tensor) reinterpret(dt DType) *Tensor {
	v := t.view(t.shape, t.strides, t.offset)
	v.dtype = dt
	return v
}

// reduceAxes validates axes and returns, per axis, whether it is reduced.
func reduceAxes(op string, rank int, axes []int) []bool {
	red := make([]bool, rank)
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
		return red
	}
	for _, ax := range axes {
		a, ok := normAxis(ax, rank)
		if !ok {
			panicf(op, ErrIndex, "axis %d out of range for rank %d", ax, rank)
		}
		if red[a] {
			panicf(op, ErrArgument, "axis %d appears twice in %v", ax, axes)
		}
		red[a] = true
	}
	return red
}

// Reduce applies op over the given axes (all axes if none). With keepDims the reduced axes stay
// as size 1, so the result broadcasts against t. Float16 and bfloat16 accumulate in float32.
// Bool tensors reduce with Any and All instead.
func Reduce(op ReduceOp, t *Tensor, keepDims bool, axes ...int) *Tensor {
	name := op.String()
	if t.dtype == Bool && op != ReduceMax && op != ReduceMin || !t.dtype.Valid() {
		panicf(name, ErrDType, "unsupported dtype %v (use Any/All for bool, or Cast)", t.dtype)
	}
	if t.dtype == Float16 || t.dtype == BFloat16 {
		return Cast(Reduce(op, Cast(t, Float32), keepDims, axes...), t.dtype)
	}
	red := reduceAxes(name, len(t.shape), axes)
	var kept, gone []int
	var outShape, keptShape Shape
	inner := 1
	for i, d := range t.shape {
		if red[i] {
			gone = append(gone, i)
			inner *= d
			if keepDims {
				outShape = append(outShape, 1)
			}
		} else {
			kept = append(kept, i)
			keptShape = append(keptShape, d)
			outShape = append(outShape, d)
		}
	}
	if outShape == nil {
		outShape = Shape{}
	}
	out := New(t.dtype, outShape...)
	outer := keptShape.NumElements()
	if outer == 0 {
		return out
	}
	if inner == 0 && (op == ReduceMax || op == ReduceMin) {
		panicf(name, ErrShape, "zero-size reduction over axes %v of shape %v has no identity", axes, t.shape)
	}
	// Rows layout: kept axes outside, reduced axes inside, each reduced row contiguous.
	v := t.Transpose(append(slices.Clone(kept), gone...)...)
	cols := t.Transpose(append(slices.Clone(gone), kept...)...)
	ob := out.storage.bytes
	switch {
	case inner == 0:
		reduceEmpty(op, out)
	case v.IsContiguous():
		reduceRowsDispatch(op, ob, v.flat(), t.dtype, outer, inner)
	case cols.IsContiguous():
		reduceColsDispatch(op, ob, cols.flat(), t.dtype, outer, inner)
	default:
		reduceRowsDispatch(op, ob, v.Contiguous().flat(), t.dtype, outer, inner)
	}
	if op == ReduceMean && inner > 0 {
		meanDivide(out, inner)
	}
	return out
}

func reduceEmpty(op ReduceOp, out *Tensor) {
	switch op {
	case ReduceProd:
		out.CopyFrom(Cast(Scalar(1.0), out.dtype))
	case ReduceMean:
		if out.dtype.IsFloat() {
			out.CopyFrom(Cast(Scalar(math.NaN()), out.dtype))
		}
	}
}

func meanDivide(out *Tensor, n int) {
	switch out.dtype {
	case Float32:
		d := Data[float32](out)
		for i, x := range d {
			d[i] = x / float32(n)
		}
	case Float64:
		d := Data[float64](out)
		for i, x := range d {
			d[i] = x / float64(n)
		}
	case Int8:
		divInts(Data[int8](out), n)
	case Int32:
		divInts(Data[int32](out), n)
	case Int64:
		divInts(Data[int64](out), n)
	case Uint8:
		divInts(Data[uint8](out), n)
	}
}

func divInts[T integer](d []T, n int) {
	for i, x := range d {
		d[i] = T(int64(x) / int64(n))
	}
}

func reduceRowsDispatch(op ReduceOp, out, in []byte, dt DType, outer, inner int) {
	switch dt {
	case Float32:
		reduceRows(op, typed[float32](out), typed[float32](in), outer, inner, numpySum[float32])
	case Float64:
		reduceRows(op, typed[float64](out), typed[float64](in), outer, inner, numpySum[float64])
	case Int8:
		reduceRows(op, typed[int8](out), typed[int8](in), outer, inner, plainSum[int8])
	case Int32:
		reduceRows(op, typed[int32](out), typed[int32](in), outer, inner, plainSum[int32])
	case Int64:
		reduceRows(op, typed[int64](out), typed[int64](in), outer, inner, plainSum[int64])
	case Uint8:
		reduceRows(op, typed[uint8](out), typed[uint8](in), outer, inner, plainSum[uint8])
	}
}

func reduceRows[T Number](op ReduceOp, out, in []T, outer, inner int, sum func([]T) T) {
	for j := range outer {
		row := in[j*inner : (j+1)*inner]
		switch op {
		case ReduceSum, ReduceMean:
			out[j] = sum(row)
		case ReduceMax:
			out[j] = maxRowFast(row)
		case ReduceMin:
			out[j] = minRow(row)
		case ReduceProd:
			p := T(1)
			for _, x := range row {
				p *= x
			}
			out[j] = p
		}
	}
}

func plainSum[T Number](x []T) T {
	var s T
	for _, v := range x {
		s += v
	}
	return s
}

// numpySum adds a contiguous row in NumPy's order: pairwise inside blocks of 8192 elements
// (NumPy's reduction buffer size), blocks added one after another to a sum that starts at +0.
// Matching it makes float sums agree with numpy.sum bit for bit.
func numpySum[T Float](x []T) T {
	const block = 8192
	var s T
	for len(x) > block {
		s += pairwiseSum(x[:block])
		x = x[block:]
	}
	return s + pairwiseSum(x)
}

// pairwiseSum adds with NumPy's pairwise algorithm (8 partial sums in blocks of up to 128,
// halves combined recursively), so contiguous float sums match numpy.sum bit for bit and the
// rounding error grows with log n instead of n.
func pairwiseSum[T Float](x []T) T {
	n := len(x)
	switch {
	case n < 8:
		var s T
		for _, v := range x {
			s += v
		}
		return s
	case n <= 128:
		var r [8]T
		copy(r[:], x[:8])
		i := 8
		for ; i+8 <= n; i += 8 {
			r[0] += x[i]
			r[1] += x[i+1]
			r[2] += x[i+2]
			r[3] += x[i+3]
			r[4] += x[i+4]
			r[5] += x[i+5]
			r[6] += x[i+6]
			r[7] += x[i+7]
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < n; i++ {
			s += x[i]
		}
		return s
	default:
		h := n / 2
		h -= h % 8
		return pairwiseSum(x[:h]) + pairwiseSum(x[h:])
	}
}

// maxRowFast uses the SIMD kernel for float32 (same NaN rule: the first NaN wins).
func maxRowFast[T Number](x []T) T {
	if f, ok := any(x).([]float32); ok {
		return any(vec.MaxF32(f)).(T)
	}
	return maxRow(x)
}

func maxRow[T Number](x []T) T {
	m := x[0]
	for _, v := range x[1:] {
		if v != v {
			return v
		}
		if v > m {
			m = v
		}
	}
	return m
}

func minRow[T Number](x []T) T {
	m := x[0]
	for _, v := range x[1:] {
		if v != v {
			return v
		}
		if v < m {
			m = v
		}
	}
	return m
}

func reduceColsDispatch(op ReduceOp, out, in []byte, dt DType, outer, inner int) {
	switch dt {
	case Float32:
		reduceCols(op, typed[float32](out), typed[float32](in), outer, inner)
	case Float64:
		reduceCols(op, typed[float64](out), typed[float64](in), outer, inner)
	case Int8:
		reduceCols(op, typed[int8](out), typed[int8](in), outer, inner)
	case Int32:
		reduceCols(op, typed[int32](out), typed[int32](in), outer, inner)
	case Int64:
		reduceCols(op, typed[int64](out), typed[int64](in), outer, inner)
	case Uint8:
		reduceCols(op, typed[uint8](out), typed[uint8](in), outer, inner)
	}
}

// reduceCols reduces the leading axes of an [inner, outer] row-major block into out[outer],
// walking memory in order (the common "sum over the batch" case).
func reduceCols[T Number](op ReduceOp, out, in []T, outer, inner int) {
	copy(out, in[:outer])
	for r := 1; r < inner; r++ {
		row := in[r*outer : (r+1)*outer]
		o := out[:len(row)]
		switch op {
		case ReduceSum, ReduceMean:
			for k, x := range row {
				o[k] += x
			}
		case ReduceProd:
			for k, x := range row {
				o[k] *= x
			}
		case ReduceMax:
			for k, x := range row {
				if x > o[k] || x != x {
					if o[k] == o[k] {
						o[k] = x
					}
				}
			}
		case ReduceMin:
			for k, x := range row {
				if x < o[k] || x != x {
					if o[k] == o[k] {
						o[k] = x
					}
				}
			}
		}
	}
}

// ArgMax returns the int64 index of the largest element along axis (the first one on ties;
// the first NaN if there is one, as numpy.argmax). The axis is removed.
func ArgMax(t *Tensor, axis int) *Tensor { return argReduce("ArgMax", t, axis, true) }

// ArgMin returns the int64 index of the smallest element along axis (first on ties or NaN).
func ArgMin(t *Tensor, axis int) *Tensor { return argReduce("ArgMin", t, axis, false) }

func argReduce(name string, t *Tensor, axis int, isMax bool) *Tensor {
	a, ok := normAxis(axis, len(t.shape))
	if !ok {
		panicf(name, ErrIndex, "axis %d out of range for rank %d", axis, len(t.shape))
	}
	switch t.dtype {
	case Float16, BFloat16:
		t = Cast(t, Float32)
	case Bool:
		t = t.reinterpret(Uint8)
	}
	n := t.shape[a]
	perm := make([]int, 0, len(t.shape))
	for i := range t.shape {
		if i != a {
			perm = append(perm, i)
		}
	}
	outShape := make(Shape, 0, len(perm))
	for _, i := range perm {
		outShape = append(outShape, t.shape[i])
	}
	out := New(Int64, outShape...)
	outer := outShape.NumElements()
	if outer == 0 {
		return out
	}
	if n == 0 {
		panicf(name, ErrShape, "axis %d of shape %v is empty", axis, t.shape)
	}
	v := t.Transpose(append(perm, a)...).Contiguous()
	od := Data[int64](out)
	switch t.dtype {
	case Float32:
		argRows(od, typed[float32](v.flat()), n, isMax)
	case Float64:
		argRows(od, typed[float64](v.flat()), n, isMax)
	case Int8:
		argRows(od, typed[int8](v.flat()), n, isMax)
	case Int32:
		argRows(od, typed[int32](v.flat()), n, isMax)
	case Int64:
		argRows(od, typed[int64](v.flat()), n, isMax)
	case Uint8:
		argRows(od, typed[uint8](v.flat()), n, isMax)
	}
	return out
}

func argRows[T Number](out []int64, in []T, n int, isMax bool) {
	for j := range out {
		row := in[j*n : (j+1)*n]
		best := 0
		for i, v := range row {
			if v != v {
				best = i
				break
			}
			if isMax && v > row[best] || !isMax && v < row[best] {
				best = i
			}
		}
		out[j] = int64(best)
	}
}
