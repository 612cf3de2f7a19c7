// Package ops defines tensorgraph's ops — one registration per op with its kernel, output
// inference and gradient rule — and the public functions that apply them to *op.Value.
//
// The functions run eagerly on concrete values (and are recorded by GradientTapes that watch
// an input) or add nodes when given graph values. Gradient rules call these same functions, so
// one rule serves eager mode, graph mode and higher-order gradients. Broadcasting ops reduce
// their gradients the way TensorFlow's graphs do: Shape, BroadcastGradientArgs, Sum, Reshape.
//
// Shape, dtype and attr mistakes panic with a *tensor.Error naming the op, as package tensor
// does.
package ops
