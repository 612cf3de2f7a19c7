package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

var (
	startOnce sync.Once
	tasks     chan func()
	threads   atomic.Int32
)

// start launches GOMAXPROCS-1 workers; the calling goroutine is always the last worker.
func start() {
	n := runtime.GOMAXPROCS(0)
	if threads.Load() == 0 {
		threads.Store(int32(n))
	}
	tasks = make(chan func())
	for range max(n-1, 0) {
		go func() {
			for f := range tasks {
				f()
			}
		}()
	}
}

// Threads is the number of goroutines a For call may use (GOMAXPROCS unless SetThreads).
func Threads() int {
	startOnce.Do(start)
	return int(threads.Load())
}

// SetThreads limits later For calls to k goroutines (at least 1, at most GOMAXPROCS at the
// time the pool started). It returns the previous limit.
func SetThreads(k int) int {
	startOnce.Do(start)
	k = max(1, min(k, runtime.GOMAXPROCS(0)))
	return int(threads.Swap(int32(k)))
}

// For calls fn over a partition of [0, n) into at most Threads() contiguous ranges of at least
// grain elements each, and returns when all calls have returned. If a call panics, For
// panics with the same value on the calling goroutine once all calls have ended (the first
// panic wins), so callers can recover kernel errors as if the loop had run inline. Ranges run on idle pool
// workers; when none is idle (for example in a nested For) the caller runs them itself, so
// For never deadlocks and never oversubscribes the CPUs.
func For(n, grain int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	grain = max(grain, 1)
	parts := min(Threads(), (n+grain-1)/grain)
	if parts <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	var failed atomic.Pointer[any]
	step := (n + parts - 1) / parts
	for lo := step; lo < n; lo += step {
		hi := min(lo+step, n)
		wg.Add(1)
		task := func() {
			defer wg.Done()
			// A panic on a pool worker would kill the process; carry it to the caller instead.
			defer func() {
				if r := recover(); r != nil {
					failed.CompareAndSwap(nil, &r)
				}
			}()
			fn(lo, hi)
		}
		select {
		case tasks <- task:
		default:
			task()
		}
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				failed.CompareAndSwap(nil, &r)
			}
		}()
		fn(0, min(step, n))
	}()
	wg.Wait()
	if r := failed.Load(); r != nil {
		panic(*r)
	}
}
