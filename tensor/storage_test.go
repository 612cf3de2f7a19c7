package tensor

import (
	"errors"
	"testing"
)

// countingAllocator is a stand-in for the BFC allocator: it hands out heap buffers, counts
// them, and fails past a byte limit.
type countingAllocator struct {
	live, limit int
	freed       int
}

func (a *countingAllocator) Allocate(n int) ([]byte, error) {
	if a.live+n > a.limit {
		return nil, errors.New("out of memory")
	}
	a.live += n
	b := make([]byte, n)
	for i := range b {
		b[i] = 0xff // not zeroed: NewIn must clear it
	}
	return b, nil
}

func (a *countingAllocator) Deallocate(b []byte) { a.live -= len(b); a.freed++ }
func (a *countingAllocator) Name() string        { return "counting" }

func TestNewInUsesAllocator(t *testing.T) {
	a := &countingAllocator{limit: 1024}
	x, err := NewIn(a, Float32, RowMajor, 4, 8)
	if err != nil {
		t.Fatal(err)
	}
	if a.live != 128 || x.Storage().Allocator() != a {
		t.Fatalf("live %d bytes, allocator %v", a.live, x.Storage().Allocator())
	}
	if Sum(x).Item() != 0 {
		t.Error("allocator memory was not zeroed")
	}
	// Views share the storage; ops on them work as on heap tensors.
	y := Add(x.T(), ScalarOf(Float32, 1))
	if Sum(y).Item() != 32 {
		t.Errorf("sum %v", Sum(y).Item())
	}
	x.Release()
	if a.live != 0 || a.freed != 1 {
		t.Errorf("after Release: live %d, freed %d", a.live, a.freed)
	}
	if _, err := NewIn(a, Float64, RowMajor, 1000); err == nil {
		t.Error("allocation past the limit succeeded")
	}
}
