// Package gradcheck verifies gradients numerically, as TensorFlow's compute_gradient_error
// does: it compares what GradientTape computes with float64 central differences. Users can
// check their own functions; tensorgraph's tests check every differentiable op with it.
package gradcheck
