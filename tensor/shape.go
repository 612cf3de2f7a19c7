package tensor

import (
	"strconv"
	"strings"
)

// Shape is the size of each dimension of a tensor. A scalar has the empty shape.
type Shape []int

// NumElements is the product of the dimensions (1 for a scalar).
func (s Shape) NumElements() int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Rank is the number of dimensions.
func (s Shape) Rank() int { return len(s) }

// Equal reports whether s and o have the same dimensions.
func (s Shape) Equal(o Shape) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// Clone returns a copy of s that does not share memory with it.
func (s Shape) Clone() Shape {
	c := make(Shape, len(s))
	copy(c, s)
	return c
}

// String formats the shape as TensorFlow does in messages: [2,3].
func (s Shape) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(d))
	}
	b.WriteByte(']')
	return b.String()
}

// rowMajorStrides returns the element strides of a C-ordered array of shape s.
func rowMajorStrides(s Shape) []int {
	st := make([]int, len(s))
	acc := 1
	for i := len(s) - 1; i >= 0; i-- {
		st[i] = acc
		acc *= max(s[i], 1)
	}
	return st
}

// colMajorStrides returns the element strides of a Fortran-ordered array of shape s.
func colMajorStrides(s Shape) []int {
	st := make([]int, len(s))
	acc := 1
	for i := range s {
		st[i] = acc
		acc *= max(s[i], 1)
	}
	return st
}

// BroadcastShapes returns the NumPy broadcast of the given shapes: dimensions are aligned from
// the right, and each pair must be equal or contain a 1. ok is false when they do not broadcast.
func BroadcastShapes(shapes ...Shape) (Shape, bool) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make(Shape, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := rank - len(s)
		for i, d := range s {
			o := out[off+i]
			switch {
			case d == o || d == 1:
			case o == 1:
				out[off+i] = d
			default:
				return nil, false
			}
		}
	}
	return out, true
}

// normAxis maps a possibly negative axis into [0, rank) or returns false.
func normAxis(axis, rank int) (int, bool) {
	if axis < 0 {
		axis += rank
	}
	return axis, axis >= 0 && axis < rank
}
