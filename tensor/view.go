package tensor

import "math"

// Reshape returns a tensor with the same elements in row-major order and a new shape. One
// dimension may be -1 and is inferred. The result is a view when t's strides allow it (always
// for a contiguous tensor), otherwise a copy, as numpy.reshape does.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	sh := inferShape("Reshape", t.shape, shape)
	if st, ok := reshapeStrides(t.shape, t.strides, sh); ok {
		return t.view(sh, st, t.offset)
	}
	c := t.Clone()
	return c.view(sh, rowMajorStrides(sh), 0)
}

// Flatten returns a 1-D tensor of all elements in row-major order (a view when possible).
func (t *Tensor) Flatten() *Tensor { return t.Reshape(-1) }

func inferShape(op string, old Shape, shape []int) Shape {
	sh := Shape(shape).Clone()
	n := old.NumElements()
	infer := -1
	known := 1
	for i, d := range sh {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panicf(op, ErrShape, "invalid target shape %v: only one -1 is allowed and no other negative sizes", Shape(shape))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panicf(op, ErrShape, "cannot reshape %v (%d elements) into %v", old, n, Shape(shape))
		}
		sh[infer] = n / known
		known *= sh[infer]
	}
	if known != n {
		panicf(op, ErrShape, "cannot reshape %v (%d elements) into %v (%d elements)", old, n, Shape(shape), known)
	}
	return sh
}

// reshapeStrides finds strides that give the row-major reshape of a strided array without
// copying, if they exist. Old axes are grouped with new axes of equal total size; inside a group
// the old axes must be nested (each stride equals the next stride times the next size), and the
// new axes of the group then take row-major strides starting from the group's last stride.
func reshapeStrides(old Shape, oldStrides []int, shape Shape) ([]int, bool) {
	n := old.NumElements()
	if n == 0 {
		return rowMajorStrides(shape), true
	}
	// Work without size-1 old axes: they do not affect the layout.
	var os, ost []int
	for i, d := range old {
		if d != 1 {
			os = append(os, d)
			ost = append(ost, oldStrides[i])
		}
	}
	st := make([]int, len(shape))
	i, j := 0, 0 // next old axis, next new axis
	for j < len(shape) || i < len(os) {
		// New size-1 axes take any stride; use the one a contiguous layout would.
		if j < len(shape) && shape[j] == 1 {
			j++
			continue
		}
		if i >= len(os) || j >= len(shape) {
			return nil, false
		}
		i0, j0 := i, j
		po, pn := os[i], shape[j]
		i++
		j++
		for po != pn {
			if po < pn {
				if i >= len(os) {
					return nil, false
				}
				po *= os[i]
				i++
			} else {
				if j >= len(shape) {
					return nil, false
				}
				pn *= shape[j]
				j++
			}
		}
		for k := i0; k < i-1; k++ {
			if ost[k] != ost[k+1]*os[k+1] {
				return nil, false
			}
		}
		s := ost[i-1]
		for k := j - 1; k >= j0; k-- {
			st[k] = s
			s *= shape[k]
		}
	}
	// Fill the strides of size-1 new axes.
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] == 1 {
			if k+1 < len(shape) {
				st[k] = st[k+1] * shape[k+1]
			} else {
				st[k] = 1
			}
		}
	}
	return st, true
}

// Transpose permutes the axes (a view). With no arguments it reverses them, as numpy.transpose
// does; otherwise perm lists, for each output axis, the input axis it takes.
func (t *Tensor) Transpose(perm ...int) *Tensor {
	r := len(t.shape)
	if len(perm) == 0 {
		perm = make([]int, r)
		for i := range perm {
			perm[i] = r - 1 - i
		}
	}
	if len(perm) != r {
		panicf("Transpose", ErrArgument, "permutation %v has %d entries for a tensor of rank %d", perm, len(perm), r)
	}
	seen := make([]bool, r)
	sh := make(Shape, r)
	st := make([]int, r)
	for i, p := range perm {
		a, ok := normAxis(p, r)
		if !ok || seen[a] {
			panicf("Transpose", ErrArgument, "%v is not a permutation of the %d axes", perm, r)
		}
		seen[a] = true
		sh[i], st[i] = t.shape[a], t.strides[a]
	}
	return t.view(sh, st, t.offset)
}

// T is Transpose with the axes reversed (for a matrix, its transpose).
func (t *Tensor) T() *Tensor { return t.Transpose() }

// None marks an omitted bound in a Range, like an empty place in Python's a[start:stop:step].
const None = math.MinInt

// Range selects start:stop:step along one axis with Python's rules: negative bounds count from
// the end, bounds are clamped, None means the natural end for the step's direction, and a
// zero step is an error. The zero Range{} is not valid; use Whole().
type Range struct{ Start, Stop, Step int }

// Whole is the full range ":".
func Whole() Range { return Range{None, None, 1} }

// R is start:stop.
func R(start, stop int) Range { return Range{start, stop, 1} }

// RS is start:stop:step.
func RS(start, stop, step int) Range { return Range{start, stop, step} }

// From is start: (to the end).
func From(start int) Range { return Range{start, None, 1} }

// To is :stop.
func To(stop int) Range { return Range{None, stop, 1} }

// resolve returns the first index, step and count of r applied to an axis of size d.
func (r Range) resolve(axis, d int) (start, step, n int) {
	step = r.Step
	if step == 0 {
		panicf("Slice", ErrArgument, "axis %d: slice step cannot be zero", axis)
	}
	lo, hi := 0, d
	if step < 0 {
		lo, hi = -1, d-1
	}
	clamp := func(v, def int) int {
		if v == None {
			return def
		}
		if v < 0 {
			v += d
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	if step > 0 {
		start, stop := clamp(r.Start, 0), clamp(r.Stop, d)
		if stop > start {
			n = (stop - start + step - 1) / step
		}
		return start, step, n
	}
	start, stop := clamp(r.Start, d-1), clamp(r.Stop, -1)
	if start > stop {
		n = (start - stop - step - 1) / -step
	}
	return start, step, n
}

// Slice returns the view t[r0, r1, ...] with one Range per leading axis (missing trailing
// ranges select everything). The rank is kept; use Select to drop an axis.
func (t *Tensor) Slice(ranges ...Range) *Tensor {
	if len(ranges) > len(t.shape) {
		panicf("Slice", ErrIndex, "%d ranges for a tensor of rank %d", len(ranges), len(t.shape))
	}
	sh := t.shape.Clone()
	st := make([]int, len(t.strides))
	copy(st, t.strides)
	off := t.offset
	for i, r := range ranges {
		start, step, n := r.resolve(i, t.shape[i])
		if n > 0 {
			off += start * t.strides[i]
		}
		sh[i] = n
		st[i] = t.strides[i] * step
	}
	return t.view(sh, st, off)
}

// Select returns the view of index i along axis, with that axis removed (NumPy's a[..., i, ...]).
func (t *Tensor) Select(axis, i int) *Tensor {
	a, ok := normAxis(axis, len(t.shape))
	if !ok {
		panicf("Select", ErrIndex, "axis %d out of range for rank %d", axis, len(t.shape))
	}
	d := t.shape[a]
	if i < 0 {
		i += d
	}
	if i < 0 || i >= d {
		panicf("Select", ErrIndex, "index %d out of range for axis %d of size %d", i, axis, d)
	}
	sh := append(t.shape[:a:a].Clone(), t.shape[a+1:]...)
	st := append(append([]int{}, t.strides[:a]...), t.strides[a+1:]...)
	return t.view(sh, st, t.offset+i*t.strides[a])
}

// Squeeze removes the given axes, which must have size 1, or every size-1 axis if none is given.
func (t *Tensor) Squeeze(axes ...int) *Tensor {
	drop := make([]bool, len(t.shape))
	if len(axes) == 0 {
		for i, d := range t.shape {
			drop[i] = d == 1
		}
	}
	for _, ax := range axes {
		a, ok := normAxis(ax, len(t.shape))
		if !ok {
			panicf("Squeeze", ErrIndex, "axis %d out of range for rank %d", ax, len(t.shape))
		}
		if t.shape[a] != 1 {
			panicf("Squeeze", ErrShape, "cannot squeeze axis %d of size %d in shape %v", ax, t.shape[a], t.shape)
		}
		drop[a] = true
	}
	sh := Shape{}
	st := []int{}
	for i, d := range t.shape {
		if !drop[i] {
			sh = append(sh, d)
			st = append(st, t.strides[i])
		}
	}
	return t.view(sh, st, t.offset)
}

// ExpandDims inserts a size-1 axis at position axis (in [-rank-1, rank]).
func (t *Tensor) ExpandDims(axis int) *Tensor {
	r := len(t.shape)
	a, ok := normAxis(axis, r+1)
	if !ok {
		panicf("ExpandDims", ErrIndex, "axis %d out of range for rank %d (valid: %d..%d)", axis, r, -r-1, r)
	}
	sh := append(append(t.shape[:a:a].Clone(), 1), t.shape[a:]...)
	stride := 1
	if a < r {
		stride = t.strides[a] * t.shape[a]
	}
	st := append(append(append([]int{}, t.strides[:a]...), stride), t.strides[a:]...)
	return t.view(sh, st, t.offset)
}

// BroadcastTo returns a read-only view of t with the given shape, repeating along new or
// size-1 axes with stride 0 (numpy.broadcast_to). Writing through it writes the shared element.
func (t *Tensor) BroadcastTo(shape ...int) *Tensor {
	sh := Shape(shape)
	if sh.Equal(t.shape) {
		return t
	}
	r := len(sh)
	if len(t.shape) > r {
		panicf("BroadcastTo", ErrShape, "cannot broadcast shape %v to %v", t.shape, sh)
	}
	st := make([]int, r)
	off := r - len(t.shape)
	for i := range r {
		if i < off {
			continue
		}
		d := t.shape[i-off]
		switch {
		case d == sh[i]:
			st[i] = t.strides[i-off]
		case d == 1:
			st[i] = 0
		default:
			panicf("BroadcastTo", ErrShape, "cannot broadcast shape %v to %v", t.shape, sh)
		}
	}
	return t.view(sh.Clone(), st, t.offset)
}
