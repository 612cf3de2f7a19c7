//go:build !race

package cpu

import (
	"testing"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
)

const gemmRaceEnabled = false

// TestGemmNoAllocs (not built with -race, where sync.Pool drops items at random) checks that steady-state calls reuse their packing buffers and call state.
// (With several threads, parallel.For itself allocates a closure and a WaitGroup per call.)
func TestGemmNoAllocs(t *testing.T) {
	prev := parallel.SetThreads(1)
	defer parallel.SetThreads(prev)
	n := 128
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	allocs := testing.AllocsPerRun(20, func() { Gemm[float32](n, n, n, 1, a, n, 1, b, n, 1, 0, c, n, 1) })
	if allocs != 0 {
		t.Errorf("Gemm allocates %.1f times per call, want 0", allocs)
	}
}
