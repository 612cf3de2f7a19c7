// Command tensorgraph is the command-line face of tensorgraph.
//
// Usage:
//
//	tensorgraph demo [--seed N] [--json]
//	tensorgraph version
//
// demo runs the forward half of the seed article's CNN (a NumPy-compatible randn(1,9,9,1) with
// seed 0, a 3x3 stride-2 convolution written with strided views, ReLU and 2x2 max pooling) and
// prints each tensor as NumPy would, so it can be compared with the article by eye.
package main
