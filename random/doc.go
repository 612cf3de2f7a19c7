// Package random is a random number generator that reproduces NumPy's legacy
// numpy.random.RandomState (np.random.seed, np.random.randn, …), so that
// weights initialised in Go equal those of a Python script seeded the same
// way.
//
// # What matches NumPy
//
// Compared against NumPy 1.24 (see testdata/gen.py and the golden tests):
//
//   - Seeding: New(seed) is RandomState(seed) (init_genrand) and
//     NewFromArray(key) is RandomState(np.array(key, dtype=np.uint32))
//     (init_by_array; a one-element key is squeezed to a scalar seed, as
//     NumPy does). Uint32 gives the raw MT19937 words, State/SetState
//     mirror get_state/set_state.
//   - Bit for bit: Uint32, RandomSample (random_sample), Uniform, Randint
//     (randint with the default int64 dtype, including the choice between
//     32- and 64-bit draws), Permutation and Shuffle (the same swaps as
//     RandomState.shuffle), and the Fill… variants, which produce the same
//     stream as NumPy's size= arguments.
//   - StandardNormal and Normal follow NumPy's legacy polar method exactly,
//     including which value of a pair comes first and the cached second
//     value, which survives calls to the other methods and is dropped by
//     Seed. Rounded to float32 they agree with NumPy everywhere tested
//     (10^6 values). In float64 they agree except where the C library's log
//     misrounds: this package uses a correctly rounded log, whereas glibc's
//     log is off by one ulp on roughly 3 in 10^4 of the inputs the method
//     produces; the deviate then differs by 1 or 2 ulp (304 of the first
//     10^6 normals for seed 0). Go's math.Log would have been worse: about
//     3 in 100 normals would differ. Since NumPy's own float64 results depend
//     on the platform's libm, the last bit is not portable there either.
//
// Arguments NumPy rejects with an exception make these methods panic
// (Randint with low >= high, Uniform with an infinite range, Normal with a
// negative scale, negative lengths).
//
// # Concurrency
//
// A RandomState is not safe for concurrent use: NumPy serialises access with
// a lock, this package does not. Use one generator per goroutine, or guard a
// shared one with a mutex.
package random

// Golden data from NumPy, and the table of the correctly rounded log.
//go:generate /usr/bin/python3 testdata/gen.py
//go:generate go test -run TestLogTable -update-logtable .
