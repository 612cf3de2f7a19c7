// Package tensor is tensorgraph's n-dimensional array: the Eigen-like core under every op.
//
// A Tensor is a DType, a Shape, strides and an offset into a Storage. Nine dtypes are
// supported (float32, float64, float16, bfloat16, int8, int32, int64, uint8, bool); DType
// values are TensorFlow's DataType numbers. Storage is row-major (C order, NumPy's and
// TensorFlow's default) or column-major (Fortran order, Eigen's default); AsOrder converts
// between them and every operation accepts either, and any strided view.
//
// # Views
//
// Reshape (a view when the strides allow, else a copy, like numpy.reshape), Transpose, Slice
// with Python's start:stop:step rules on every axis (negative steps included), Select,
// Squeeze, ExpandDims and BroadcastTo (stride 0) share storage with their source.
//
// # Operations
//
// Binary ops (Add, Sub, Mul, Div, Pow, Maximum, Minimum, comparisons, logical ops) broadcast
// like NumPy and require operands of one dtype: there is no implicit promotion, as in
// TensorFlow; use Cast. Unary math, Where, Cast between every pair of dtypes, reductions over
// any set of axes with or without kept dimensions (Sum, Mean, Max, Min, Prod, Any, All, ArgMax,
// ArgMin), Concat, Stack, Split, Pad, Gather and OneHot complete the set. Results are new
// tensors; inputs are never modified. Float16 and bfloat16 are computed in float32 and rounded
// once, as Eigen does on CPU. Contiguous float sums use NumPy's summation order, so they agree
// with numpy.sum bit for bit.
//
// # Errors
//
// This package follows tensorgraph's one error policy. Calling an operation with shapes,
// dtypes, axes or arguments that do not fit is a programmer error: it panics with an *Error
// that names the operation and says what was got versus wanted, for example
//
//	Add: shapes [2,3] and [4] are not broadcastable
//
// Data from outside the program (FromBytes, and the file readers built on it) is checked and
// problems are returned as an error instead. Every error of this package is an *Error whose
// Kind is one of ErrShape, ErrDType, ErrIndex, ErrArgument or ErrData, so errors.Is and
// errors.As classify it. Code at a boundary that must not crash (a server) wraps calls in
// Catch to turn such panics into returned errors.
//
// # Memory
//
// Tensors live on the Go heap unless created with NewIn and an Allocator; Release gives such
// a buffer back. Views keep their storage alive.
package tensor
