// Command tensorgraph is the command-line face of tensorgraph.
//
// Usage:
//
//	tensorgraph demo [--seed N] [--json]
//	tensorgraph bench gemm [--sizes 256,512,1024,2048] [--dtype float32|float64] [--threads N] [--json]
//	tensorgraph bench conv [--batch 64] [--threads N] [--json]
//	tensorgraph gradcheck [--tol 1e-6] [--json]
//	tensorgraph version
//
// demo runs the forward half of the seed article's CNN (a NumPy-compatible randn(1,9,9,1) with
// seed 0, a 3x3 stride-2 convolution written with strided views, ReLU and 2x2 max pooling) and
// prints each tensor as NumPy would, so it can be compared with the article by eye.
//
// bench times kernels after a warm-up and reports medians, as a table or one JSON object per
// line; bench/ holds scripts that time the same work in NumPy and PyTorch.
//
// gradcheck compares every differentiable op's gradient rule with float64 central differences
// and fails if any case exceeds the tolerance or an op has no case.
package main
