package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForCoversRangeOnce(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100, 1001} {
		for _, grain := range []int{1, 3, 64, 5000} {
			hits := make([]atomic.Int32, n)
			For(n, grain, func(lo, hi int) {
				if hi-lo < 1 {
					t.Errorf("empty range %d..%d", lo, hi)
				}
				for i := lo; i < hi; i++ {
					hits[i].Add(1)
				}
			})
			for i := range hits {
				if hits[i].Load() != 1 {
					t.Fatalf("n=%d grain=%d: index %d visited %d times", n, grain, i, hits[i].Load())
				}
			}
		}
	}
}

func TestNestedForDoesNotDeadlock(t *testing.T) {
	var total atomic.Int64
	For(8, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			For(100, 10, func(a, b int) { total.Add(int64(b - a)) })
		}
	})
	if total.Load() != 800 {
		t.Errorf("total %d, want 800", total.Load())
	}
}

func TestSetThreads(t *testing.T) {
	prev := SetThreads(1)
	defer SetThreads(prev)
	calls := 0
	For(1000, 1, func(lo, hi int) { calls++ })
	if calls != 1 {
		t.Errorf("with one thread For split into %d calls", calls)
	}
}

func TestPanicReachesCaller(t *testing.T) {
	for _, where := range []int{0, 999} { // in the caller's own range, and in a worker's
		got := func() (r any) {
			defer func() { r = recover() }()
			For(1000, 1, func(lo, hi int) {
				if lo <= where && where < hi {
					panic("boom")
				}
			})
			return nil
		}()
		if got != "boom" {
			t.Errorf("panic at %d: recovered %v, want boom", where, got)
		}
	}
}
