package tensor

import (
	"github.com/tensorgraph/tensorgraph/half"
)

// The strided-iteration engine. Every operation on arbitrary views reduces to: walk the
// (broadcast) shape, and for each innermost row hand a kernel the element offset of that row in
// each operand plus each operand's inner stride. Dimensions that are contiguous for every
// operand are merged first, so a dense tensor is one long row and the kernel runs over a flat
// slice.

// layout is one operand's geometry over a shared iteration shape.
type layout struct {
	strides []int
	offset  int
}

// coalesce drops size-1 axes and merges neighbouring axes that are contiguous for all operands.
// It returns at least one axis.
func coalesce(shape []int, ops []layout) ([]int, [][]int) {
	sh := make([]int, 0, len(shape))
	st := make([][]int, len(ops))
	for k := range ops {
		st[k] = make([]int, 0, len(shape))
	}
	for i, d := range shape {
		if d == 1 {
			continue
		}
		if n := len(sh); n > 0 {
			merge := true
			for k := range ops {
				if st[k][n-1] != ops[k].strides[i]*d {
					merge = false
					break
				}
			}
			if merge {
				sh[n-1] *= d
				for k := range ops {
					st[k][n-1] = ops[k].strides[i]
				}
				continue
			}
		}
		sh = append(sh, d)
		for k := range ops {
			st[k] = append(st[k], ops[k].strides[i])
		}
	}
	if len(sh) == 0 {
		sh = append(sh, 1)
		for k := range ops {
			st[k] = append(st[k], 0)
		}
	}
	return sh, st
}

// forEachRow calls f once per innermost row of shape with the element offset of the row in
// each operand, the row length and each operand's stride along it. f must not keep offs.
// Nothing is called for an empty shape.
func forEachRow(shape []int, ops []layout, f func(offs []int, n int, inner []int)) {
	for _, d := range shape {
		if d == 0 {
			return
		}
	}
	sh, st := coalesce(shape, ops)
	nd := len(sh)
	n := sh[nd-1]
	inner := make([]int, len(ops))
	offs := make([]int, len(ops))
	for k := range ops {
		inner[k] = st[k][nd-1]
		offs[k] = ops[k].offset
	}
	if nd == 1 {
		f(offs, n, inner)
		return
	}
	idx := make([]int, nd-1)
	for {
		f(offs, n, inner)
		d := nd - 2
		for ; d >= 0; d-- {
			idx[d]++
			for k := range offs {
				offs[k] += st[k][d]
			}
			if idx[d] < sh[d] {
				break
			}
			for k := range offs {
				offs[k] -= st[k][d] * sh[d]
			}
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

func (t *Tensor) layout() layout { return layout{strides: t.strides, offset: t.offset} }

// copyStrided copies src into dst element by element; shapes must be equal. Elements are
// moved as raw words of the dtype's size, so it serves every dtype.
func copyStrided(dst, src *Tensor) {
	if !dst.shape.Equal(src.shape) {
		panicf("Copy", ErrShape, "destination shape %v differs from source shape %v", dst.shape, src.shape)
	}
	switch dst.dtype.Size() {
	case 1:
		copyRows(typed[uint8](dst.storage.bytes), typed[uint8](src.storage.bytes), dst, src)
	case 2:
		copyRows(typed[uint16](dst.storage.bytes), typed[uint16](src.storage.bytes), dst, src)
	case 4:
		copyRows(typed[uint32](dst.storage.bytes), typed[uint32](src.storage.bytes), dst, src)
	case 8:
		copyRows(typed[uint64](dst.storage.bytes), typed[uint64](src.storage.bytes), dst, src)
	}
}

func copyRows[T any](d, s []T, dst, src *Tensor) {
	if tiledTranspose && copyTransposed(d, s, dst, src) {
		return
	}
	forEachRow(dst.shape, []layout{dst.layout(), src.layout()}, func(offs []int, n int, inner []int) {
		di, si, ds, ss := offs[0], offs[1], inner[0], inner[1]
		switch {
		case ds == 1 && ss == 1:
			copy(d[di:di+n], s[si:si+n])
		case ds == 1 && ss == 0:
			v := s[si]
			row := d[di : di+n]
			for i := range row {
				row[i] = v
			}
		default:
			for i := 0; i < n; i++ {
				d[di] = s[si]
				di += ds
				si += ss
			}
		}
	})
}

// elemFloat64 reads element i of a buffer of dtype dt as float64.
func elemFloat64(dt DType, b []byte, i int) float64 {
	switch dt {
	case Float32:
		return float64(typed[float32](b)[i])
	case Float64:
		return typed[float64](b)[i]
	case Float16:
		return float64(typed[half.Float16](b)[i].Float32())
	case BFloat16:
		return float64(typed[half.BFloat16](b)[i].Float32())
	case Int8:
		return float64(typed[int8](b)[i])
	case Int32:
		return float64(typed[int32](b)[i])
	case Int64:
		return float64(typed[int64](b)[i])
	case Uint8:
		return float64(typed[uint8](b)[i])
	case Bool:
		if typed[bool](b)[i] {
			return 1
		}
		return 0
	}
	panicf("Float64", ErrDType, "unsupported dtype %v", dt)
	return 0
}

// tiledTranspose enables copyTransposed; benchmarks turn it off to measure the difference.
var tiledTranspose = true

// copyTransposed handles the copy of a (batched) transposed matrix into contiguous memory, or
// back, in 8x8 tiles (larger tiles of a 4 KiB-strided matrix fall into one L1 set and
// thrash; 8 rows fit its 8 ways): walking one side with a large stride otherwise misses the cache on
// every element. It reports false when the layout is not such a transpose.
func copyTransposed[T any](d, s []T, dst, src *Tensor) bool {
	sh, st := coalesce(dst.shape, []layout{dst.layout(), src.layout()})
	nd := len(sh)
	if nd < 2 || sh[nd-1]*sh[nd-2] < 1024 {
		return false
	}
	ds, ss := st[0], st[1]
	// Inner axis unit-stride in dst, previous axis unit-stride in src (or the reverse).
	if !(ds[nd-1] == 1 && ss[nd-2] == 1) && !(ss[nd-1] == 1 && ds[nd-2] == 1) {
		return false
	}
	for _, d := range sh {
		if d == 0 {
			return true
		}
	}
	const tile = 8
	rows, cols := sh[nd-2], sh[nd-1]
	dr, dc, sr, sc := ds[nd-2], ds[nd-1], ss[nd-2], ss[nd-1]
	outer := Shape(sh[:nd-2]).NumElements()
	idx := make([]int, nd-2)
	do, so := dst.offset, src.offset
	for range outer {
		for i0 := 0; i0 < rows; i0 += tile {
			i1 := min(i0+tile, rows)
			for j0 := 0; j0 < cols; j0 += tile {
				j1 := min(j0+tile, cols)
				for i := i0; i < i1; i++ {
					di, si := do+i*dr+j0*dc, so+i*sr+j0*sc
					for j := j0; j < j1; j++ {
						d[di] = s[si]
						di += dc
						si += sc
					}
				}
			}
		}
		// Advance the batch multi-index.
		for a := nd - 3; a >= 0; a-- {
			idx[a]++
			do += ds[a]
			so += ss[a]
			if idx[a] < sh[a] {
				break
			}
			do -= ds[a] * sh[a]
			so -= ss[a] * sh[a]
			idx[a] = 0
		}
	}
	return true
}
