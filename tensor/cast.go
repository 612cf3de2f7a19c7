package tensor

import (
	"github.com/tensorgraph/tensorgraph/half"
)

// Cast returns a converted to dtype dt. Conversions follow C/NumPy/TensorFlow: float to
// integer truncates toward zero (out-of-range and NaN values give whatever the hardware
// gives, as in NumPy), integer narrowing wraps, bool becomes 0/1 and anything nonzero becomes
// true, float16 is rounded to nearest even directly from float64 or float32 (as NumPy's
// astype), and bfloat16 is rounded to nearest even from float32 (TensorFlow's cast). Casting to
// the same dtype returns a itself. Dense inputs keep their storage order.
func Cast(a *Tensor, dt DType) *Tensor {
	if !dt.Valid() {
		panicf("Cast", ErrDType, "unsupported target dtype %v", dt)
	}
	if a.dtype == dt {
		return a
	}
	if !a.IsDense() {
		a = a.Contiguous()
	}
	out := NewOrder(dt, a.denseOrder(), a.shape...)
	castFlat(out.flat(), dt, a.flat(), a.dtype)
	return out
}

// castFlat converts n elements between flat buffers.
func castFlat(d []byte, dt DType, s []byte, st DType) {
	switch dt {
	case Float32:
		castTo(typed[float32](d), s, st)
	case Float64:
		castTo(typed[float64](d), s, st)
	case Int8:
		castTo(typed[int8](d), s, st)
	case Int32:
		castTo(typed[int32](d), s, st)
	case Int64:
		castTo(typed[int64](d), s, st)
	case Uint8:
		castTo(typed[uint8](d), s, st)
	case Bool:
		castToBool(typed[bool](d), s, st)
	case Float16:
		castToHalf(typed[half.Float16](d), s, st)
	case BFloat16:
		castToBFloat16(typed[half.BFloat16](d), s, st)
	}
}

func convert[TO, TI Number](d []TO, s []TI) {
	d = d[:len(s)]
	for i, x := range s {
		d[i] = TO(x)
	}
}

// castTo converts any source dtype into a native numeric destination. Float to integer
// truncates like C on the values C defines; Go's conversion of out-of-range floats is
// implementation-specific, as NumPy's result is unspecified there too.
func castTo[TO Number](d []TO, s []byte, st DType) {
	switch st {
	case Float32:
		convert(d, typed[float32](s))
	case Float64:
		convert(d, typed[float64](s))
	case Int8:
		convert(d, typed[int8](s))
	case Int32:
		convert(d, typed[int32](s))
	case Int64:
		convert(d, typed[int64](s))
	case Uint8:
		convert(d, typed[uint8](s))
	case Bool:
		for i, b := range typed[bool](s) {
			if b {
				d[i] = 1
			} else {
				d[i] = 0
			}
		}
	case Float16:
		for i, h := range typed[half.Float16](s) {
			d[i] = TO(h.Float32())
		}
	case BFloat16:
		for i, h := range typed[half.BFloat16](s) {
			d[i] = TO(h.Float32())
		}
	}
}

func nonzero[T Number](d []bool, s []T) {
	d = d[:len(s)]
	for i, x := range s {
		d[i] = x != 0
	}
}

func castToBool(d []bool, s []byte, st DType) {
	switch st {
	case Float32:
		nonzero(d, typed[float32](s))
	case Float64:
		nonzero(d, typed[float64](s))
	case Int8:
		nonzero(d, typed[int8](s))
	case Int32:
		nonzero(d, typed[int32](s))
	case Int64:
		nonzero(d, typed[int64](s))
	case Uint8:
		nonzero(d, typed[uint8](s))
	case Float16, BFloat16:
		// Both zeros (0x0000, 0x8000) are false; every other pattern, NaN included, is true.
		for i, h := range typed[uint16](s) {
			d[i] = h&0x7fff != 0
		}
	}
}

func castToHalf(d []half.Float16, s []byte, st DType) {
	switch st {
	case Float32:
		half.Float32sToFloat16s(d, typed[float32](s))
	case Float64:
		for i, x := range typed[float64](s) {
			d[i] = half.FromFloat64(x)
		}
	case BFloat16:
		for i, x := range typed[half.BFloat16](s) {
			d[i] = half.FromFloat32(x.Float32())
		}
	default:
		// Integers and bool: every value is exact in float64, so one rounding happens.
		tmp := make([]float64, len(d))
		castTo(tmp, s, st)
		for i, x := range tmp {
			d[i] = half.FromFloat64(x)
		}
	}
}

func castToBFloat16(d []half.BFloat16, s []byte, st DType) {
	switch st {
	case Float32:
		half.Float32sToBFloat16s(d, typed[float32](s))
	case Float16:
		for i, x := range typed[half.Float16](s) {
			d[i] = half.BFloat16FromFloat32(x.Float32())
		}
	default:
		// TensorFlow casts to bfloat16 through float32.
		tmp := make([]float32, len(d))
		castTo(tmp, s, st)
		half.Float32sToBFloat16s(d, tmp)
	}
}
