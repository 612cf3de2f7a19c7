package tensor

import (
	"errors"
	"fmt"
)

// Sentinel kinds of Error, for errors.Is.
var (
	// ErrShape: shapes that do not fit together (broadcasting, reshape sizes, concat dims).
	ErrShape = errors.New("shape mismatch")
	// ErrDType: an operation that does not support, or mixes, dtypes.
	ErrDType = errors.New("dtype mismatch")
	// ErrIndex: an axis, index or slice bound out of range.
	ErrIndex = errors.New("index out of range")
	// ErrArgument: any other invalid argument (negative size, zero step, ...).
	ErrArgument = errors.New("invalid argument")
	// ErrData: bytes from outside (files, messages) that do not describe a valid tensor.
	ErrData = errors.New("invalid data")
)

// Error is the error type of this package. Programmer errors (wrong shapes, dtypes or
// arguments passed to an operation) are raised as panics carrying an *Error; errors from data
// are returned. Either way, errors.Is(err, ErrShape) and friends classify it and errors.As
// recovers the Op.
type Error struct {
	Op   string // the operation, e.g. "Add" or "Reshape"
	Kind error  // one of ErrShape, ErrDType, ErrIndex, ErrArgument, ErrData
	Msg  string // what was wrong, with got versus want
}

func (e *Error) Error() string { return e.Op + ": " + e.Msg }

// Unwrap lets errors.Is match the Kind.
func (e *Error) Unwrap() error { return e.Kind }

// panicf raises a programmer error.
func panicf(op string, kind error, format string, args ...any) {
	panic(&Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// errorf builds a returned error.
func errorf(op string, kind error, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Catch runs f and turns a panic carrying an *Error (or any error) into a returned error, for
// callers at a public boundary that must not crash: a server handling a request, say.
// Other panics propagate.
func Catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}
