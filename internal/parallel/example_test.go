package parallel_test

import (
	"fmt"
	"sync/atomic"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
)

func ExampleFor() {
	// Sum 0..999 in ranges of at least 100 elements on the shared workers.
	var total atomic.Int64
	parallel.For(1000, 100, func(lo, hi int) {
		s := 0
		for i := lo; i < hi; i++ {
			s += i
		}
		total.Add(int64(s))
	})
	fmt.Println(total.Load())
	// Output: 499500
}
