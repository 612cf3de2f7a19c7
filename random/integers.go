package random

import (
	"fmt"
	"math/bits"
)

// Randint returns an integer in [low, high), like
// RandomState.randint(low, high) with the default int64 dtype.
//
// NumPy's legacy path draws with masked rejection: with rng = high-1-low and
// mask the smallest 2^k-1 >= rng, it takes draws & mask until one is <= rng.
// Ranges that fit in 32 bits (rng <= 2^32-1) use one Uint32 per try, wider
// ones one Uint64 (two words, high first). A range of one value (rng = 0)
// consumes nothing. It panics if low >= high, where NumPy raises ValueError.
func (r *RandomState) Randint(low, high int64) int64 {
	if low >= high {
		panic(fmt.Sprintf("random: Randint(%d, %d): low >= high", low, high))
	}
	// Two's-complement wrap-around gives the right span even when
	// high-1-low overflows int64 (the span always fits in a uint64).
	rng := uint64(high-1) - uint64(low)
	return int64(uint64(low) + r.boundedUint64(rng))
}

// FillRandint fills dst with successive Randint(low, high) values, the same
// stream as randint(low, high, size=len(dst)).
func (r *RandomState) FillRandint(dst []int64, low, high int64) {
	if low >= high {
		panic(fmt.Sprintf("random: FillRandint(%d, %d): low >= high", low, high))
	}
	rng := uint64(high-1) - uint64(low)
	for i := range dst {
		dst[i] = int64(uint64(low) + r.boundedUint64(rng))
	}
}

// boundedUint64 returns a value in [0, rng] the way NumPy's
// random_bounded_uint64 does with use_masked=True. It doubles as NumPy's
// random_interval (used by shuffle), which draws identically.
func (r *RandomState) boundedUint64(rng uint64) uint64 {
	if rng == 0 {
		return 0
	}
	mask := uint64(1)<<(bits.Len64(rng)) - 1 // wraps to all ones for bit 63
	if rng <= 0xffffffff {
		m := uint32(mask)
		for {
			if v := r.Uint32() & m; uint64(v) <= rng {
				return uint64(v)
			}
		}
	}
	for {
		if v := r.Uint64() & mask; v <= rng {
			return v
		}
	}
}

// Permutation returns a random permutation of 0..n-1, like
// RandomState.permutation(n): arange(n) shuffled by Shuffle. It panics if
// n < 0.
func (r *RandomState) Permutation(n int) []int {
	if n < 0 {
		panic(fmt.Sprintf("random: Permutation(%d): negative length", n))
	}
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// Shuffle makes the swaps that RandomState.shuffle makes on a 1-D array of
// length n: for i from n-1 down to 1, swap(i, j) with j uniform in [0, i]
// drawn by masked rejection (NumPy's random_interval). swap is called for
// every i, also when j == i, like Go's rand.Shuffle. Shuffling the first axis
// of a multi-dimensional array in NumPy uses the same draws. It panics if
// n < 0.
func (r *RandomState) Shuffle(n int, swap func(i, j int)) {
	if n < 0 {
		panic(fmt.Sprintf("random: Shuffle(%d): negative length", n))
	}
	for i := n - 1; i > 0; i-- {
		swap(i, int(r.boundedUint64(uint64(i))))
	}
}
