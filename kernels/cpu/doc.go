// Package cpu holds tensorgraph's CPU kernels: GEMM, convolution and pooling, with Go
// assembly micro-kernels chosen at run time from the CPU's features (golang.org/x/sys/cpu) and
// pure-Go fallbacks used on other CPUs and architectures, or everywhere when the environment
// variable TENSORGRAPH_NOASM=1 is set. Work is split over the shared intra-op pool
// (internal/parallel); small problems run inline.
package cpu
