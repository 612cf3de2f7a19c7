package tensor

import (
	"fmt"

	"github.com/tensorgraph/tensorgraph/half"
)

// DType is the element type of a tensor. Its values are TensorFlow's DataType enum numbers
// (types.proto), so a DType can be written into a GraphDef or TensorProto unchanged.
type DType int32

// The supported element types. The numbers are TensorFlow's DataType values.
const (
	Invalid  DType = 0
	Float32  DType = 1  // DT_FLOAT
	Float64  DType = 2  // DT_DOUBLE
	Int32    DType = 3  // DT_INT32
	Uint8    DType = 4  // DT_UINT8
	Int8     DType = 6  // DT_INT8
	Int64    DType = 9  // DT_INT64
	Bool     DType = 10 // DT_BOOL
	BFloat16 DType = 14 // DT_BFLOAT16
	Float16  DType = 19 // DT_HALF
)

// DTypes lists every supported dtype, in a fixed order useful for tables and tests.
var dtypes = [...]DType{Float32, Float64, Float16, BFloat16, Int8, Int32, Int64, Uint8, Bool}

// DTypes returns every supported dtype.
func DTypes() []DType { d := dtypes; return d[:] }

// Size is the number of bytes one element occupies.
func (d DType) Size() int {
	switch d {
	case Float64, Int64:
		return 8
	case Float32, Int32:
		return 4
	case Float16, BFloat16:
		return 2
	case Int8, Uint8, Bool:
		return 1
	}
	return 0
}

// String returns NumPy's name for the dtype ("float32", "float16", "bfloat16", ...).
func (d DType) String() string {
	switch d {
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	case Float16:
		return "float16"
	case BFloat16:
		return "bfloat16"
	case Int8:
		return "int8"
	case Int32:
		return "int32"
	case Int64:
		return "int64"
	case Uint8:
		return "uint8"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("DType(%d)", int32(d))
}

// Valid reports whether d is one of the supported dtypes.
func (d DType) Valid() bool { return d.Size() != 0 }

// IsFloat reports whether d is a floating-point type (including float16 and bfloat16).
func (d DType) IsFloat() bool {
	return d == Float32 || d == Float64 || d == Float16 || d == BFloat16
}

// IsInteger reports whether d is a signed or unsigned integer type.
func (d DType) IsInteger() bool { return d == Int8 || d == Int32 || d == Int64 || d == Uint8 }

// ParseDType maps a NumPy or TensorFlow dtype name ("float32", "float", "half", ...) to a DType.
func ParseDType(name string) (DType, error) {
	switch name {
	case "float32", "float":
		return Float32, nil
	case "float64", "double":
		return Float64, nil
	case "float16", "half":
		return Float16, nil
	case "bfloat16":
		return BFloat16, nil
	case "int8":
		return Int8, nil
	case "int32":
		return Int32, nil
	case "int64":
		return Int64, nil
	case "uint8":
		return Uint8, nil
	case "bool":
		return Bool, nil
	}
	return Invalid, fmt.Errorf("tensor: unknown dtype %q (want one of float32, float64, float16, bfloat16, int8, int32, int64, uint8, bool)", name)
}

// Elem is the set of Go types that back tensor elements, one per DType.
type Elem interface {
	float32 | float64 | half.Float16 | half.BFloat16 | int8 | int32 | int64 | uint8 | bool
}

// Number is the set of element types with native Go arithmetic.
type Number interface {
	float32 | float64 | int8 | int32 | int64 | uint8
}

// Float is the set of native Go floating-point element types.
type Float interface{ float32 | float64 }

// DTypeOf returns the DType whose elements have Go type T.
func DTypeOf[T Elem]() DType {
	var z T
	switch any(z).(type) {
	case float32:
		return Float32
	case float64:
		return Float64
	case half.Float16:
		return Float16
	case half.BFloat16:
		return BFloat16
	case int8:
		return Int8
	case int32:
		return Int32
	case int64:
		return Int64
	case uint8:
		return Uint8
	case bool:
		return Bool
	}
	return Invalid
}
