// Package tape implements GradientTape, eager-mode automatic differentiation as in TensorFlow 2.
//
//	t := tape.New(tape.Options{})
//	defer t.Close()
//	t.Watch(x)
//	y := ops.Sum(ops.Square(x))
//	dx, err := t.Gradient(y, x) // 2x
//
// The tape records the ops whose inputs it watches and, asked for a gradient, applies each
// op's registered gradient rule in reverse order, summing gradients where a value was used
// more than once. Rules are written with the public op functions, so when an outer tape watches
// the same values it records the inner tape's backward pass, and asking the outer tape for the
// gradient of a gradient gives second derivatives (Hessian-vector products).
//
// Sources the target does not depend on get nil, or zeros with UnconnectedZero. A tape that is
// not Persistent gives one Gradient and then ErrUsed.
package tape
