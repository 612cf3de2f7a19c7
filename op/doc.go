// Package op is tensorgraph's op registry and the value type every op works on.
//
// An op is registered once, with an OpDef: its TensorFlow name, inputs, attrs, output
// inference, kernel and gradient rule (or NotDifferentiable). Register panics on a duplicate or
// an incomplete definition; Lookup returns an error naming what is missing; List lists all.
//
// A *Value is an op operand: concrete (eager: it holds a *tensor.Tensor) or symbolic (a graph
// output, behind the Builder interface a graph implements). Apply runs an op: eagerly when all
// inputs are concrete — recording it on any active tape that watches an input — or by asking
// the inputs' builder to add a node. Gradient rules are written with the public op functions
// (package ops) on *Value, so one rule serves eager tapes, graph-mode gradients and, applied to
// its own output, higher-order gradients.
//
// Errors follow tensorgraph's policy (see package tensor): wrong shapes, dtypes or attrs panic
// with a *tensor.Error naming the op; registry misses are returned errors.
package op
