// Package opcheck holds the gradient-check table of package ops: for every registered
// differentiable op, one or more cases (a function of float64 inputs and the input shapes)
// whose tape gradients are compared with float64 central differences by
// [gradcheck.Check].
//
// [Cases] lists the table in a stable order, [Inputs] makes a case's deterministic random
// inputs, [Run] checks every case, and [Uncovered] names the differentiable ops (those
// registered with a gradient rule) that no case covers. Package ops' tests and the
// "tensorgraph gradcheck" command both run the table through this package.
package opcheck
