// Package parallel is tensorgraph's intra-op thread pool: one shared set of worker goroutines
// that kernels split their loops over, so a kernel never starts goroutines of its own, small
// problems run inline on the caller, and nested parallel loops cannot deadlock or
// oversubscribe the CPUs.
package parallel
