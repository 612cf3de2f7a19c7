package tensor

// Concat joins tensors along an existing axis. All must share dtype and every other dimension.
func Concat(axis int, ts ...*Tensor) *Tensor {
	const op = "Concat"
	if len(ts) == 0 {
		panicf(op, ErrArgument, "needs at least one tensor")
	}
	first := ts[0]
	a, ok := normAxis(axis, len(first.shape))
	if !ok {
		panicf(op, ErrIndex, "axis %d out of range for rank %d", axis, len(first.shape))
	}
	shape := first.shape.Clone()
	shape[a] = 0
	for i, t := range ts {
		if t.dtype != first.dtype {
			panicf(op, ErrDType, "input %d is %v, input 0 is %v", i, t.dtype, first.dtype)
		}
		if len(t.shape) != len(first.shape) {
			panicf(op, ErrShape, "input %d has shape %v, input 0 has shape %v: ranks differ", i, t.shape, first.shape)
		}
		for d := range t.shape {
			if d != a && t.shape[d] != first.shape[d] {
				panicf(op, ErrShape, "input %d has shape %v, input 0 has shape %v: dimension %d differs", i, t.shape, first.shape, d)
			}
		}
		shape[a] += t.shape[a]
	}
	out := New(first.dtype, shape...)
	at := 0
	for _, t := range ts {
		n := t.shape[a]
		r := make([]Range, a+1)
		for i := range a {
			r[i] = Whole()
		}
		r[a] = R(at, at+n)
		copyStrided(out.Slice(r...), t)
		at += n
	}
	return out
}

// Stack joins tensors of one shape along a new axis (in [-rank-1, rank]).
func Stack(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panicf("Stack", ErrArgument, "needs at least one tensor")
	}
	ex := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !t.shape.Equal(ts[0].shape) {
			panicf("Stack", ErrShape, "input %d has shape %v, input 0 has shape %v", i, t.shape, ts[0].shape)
		}
		ex[i] = t.ExpandDims(axis)
	}
	return Concat(axis, ex...)
}

// Split cuts t along axis into len(sizes) views with those sizes; one size may be -1 and takes
// the rest (tf.split with size_splits).
func Split(t *Tensor, axis int, sizes ...int) []*Tensor {
	const op = "Split"
	a, ok := normAxis(axis, len(t.shape))
	if !ok {
		panicf(op, ErrIndex, "axis %d out of range for rank %d", axis, len(t.shape))
	}
	d := t.shape[a]
	sz := append([]int(nil), sizes...)
	infer, total := -1, 0
	for i, s := range sz {
		switch {
		case s == -1 && infer < 0:
			infer = i
		case s < 0:
			panicf(op, ErrArgument, "invalid sizes %v: one -1 at most, no other negatives", sizes)
		default:
			total += s
		}
	}
	if infer >= 0 && total <= d {
		sz[infer] = d - total
		total = d
	}
	if total != d {
		panicf(op, ErrShape, "sizes %v do not add up to dimension %d of size %d", sizes, axis, d)
	}
	out := make([]*Tensor, len(sz))
	at := 0
	for i, s := range sz {
		r := make([]Range, a+1)
		for j := range a {
			r[j] = Whole()
		}
		r[a] = R(at, at+s)
		out[i] = t.Slice(r...)
		at += s
	}
	return out
}

// SplitN cuts t along axis into n equal views (tf.split with num_or_size_splits=n).
func SplitN(t *Tensor, axis, n int) []*Tensor {
	a, ok := normAxis(axis, len(t.shape))
	if !ok {
		panicf("Split", ErrIndex, "axis %d out of range for rank %d", axis, len(t.shape))
	}
	if n <= 0 || t.shape[a]%n != 0 {
		panicf("Split", ErrShape, "dimension %d of size %d cannot be split into %d equal parts", axis, t.shape[a], n)
	}
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = t.shape[a] / n
	}
	return Split(t, a, sizes...)
}
