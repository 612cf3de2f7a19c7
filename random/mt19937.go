package random

import "fmt"

// MT19937 parameters (Matsumoto & Nishimura, 1998).
const (
	stateLen  = 624
	shiftM    = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// RandomState is a Mersenne Twister (MT19937) generator together with the
// cached second Gaussian of the polar method, which is exactly the state kept
// by NumPy's legacy numpy.random.RandomState. Two generators with equal
// State() produce identical streams.
//
// A RandomState is not safe for concurrent use; give each goroutine its own.
// The zero value is not seeded (its key is all zeros, which MT19937 never
// leaves); use New, NewFromArray or Seed.
type RandomState struct {
	key      [stateLen]uint32
	pos      int
	hasGauss bool
	gauss    float64
}

// New returns a generator equal to np.random.RandomState(seed).
func New(seed uint32) *RandomState {
	r := new(RandomState)
	r.Seed(seed)
	return r
}

// NewFromArray returns a generator equal to
// np.random.RandomState(np.array(key, dtype=np.uint32)).
//
// NumPy squeezes the seed array first, so a one-element key is treated as the
// scalar seed key[0] (init_genrand), not as an init_by_array key; this does
// the same. It panics if key is empty, where NumPy raises ValueError.
func NewFromArray(key []uint32) *RandomState {
	r := new(RandomState)
	r.SeedArray(key)
	return r
}

// Seed reseeds r in place, like np.random.seed(seed) on the global
// RandomState (init_genrand). It also drops any cached Gaussian.
func (r *RandomState) Seed(seed uint32) {
	r.initGenrand(seed)
	r.pos = stateLen
	r.hasGauss = false
	r.gauss = 0
}

// SeedArray reseeds r in place, like
// np.random.seed(np.array(key, dtype=np.uint32)). See NewFromArray for the
// one-element case. It panics if key is empty.
func (r *RandomState) SeedArray(key []uint32) {
	switch len(key) {
	case 0:
		panic("random: SeedArray: empty seed key")
	case 1:
		r.Seed(key[0])
		return
	}
	r.initByArray(key)
	r.pos = stateLen
	r.hasGauss = false
	r.gauss = 0
}

func (r *RandomState) initGenrand(s uint32) {
	mt := &r.key
	mt[0] = s
	for i := 1; i < stateLen; i++ {
		mt[i] = 1812433253*(mt[i-1]^(mt[i-1]>>30)) + uint32(i)
	}
}

// initByArray is the reference init_by_array of mt19937ar.c (2002/1/26).
func (r *RandomState) initByArray(initKey []uint32) {
	r.initGenrand(19650218)
	mt := &r.key
	n := len(initKey)
	i, j := 1, 0
	k := max(stateLen, n)
	for ; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1664525)) + initKey[j] + uint32(j)
		i++
		j++
		if i >= stateLen {
			mt[0] = mt[stateLen-1]
			i = 1
		}
		if j >= n {
			j = 0
		}
	}
	for k = stateLen - 1; k > 0; k-- {
		mt[i] = (mt[i] ^ ((mt[i-1] ^ (mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= stateLen {
			mt[0] = mt[stateLen-1]
			i = 1
		}
	}
	// Guarantees a non-zero state whatever the key.
	mt[0] = 0x80000000
}

// twist regenerates all 624 words at once; NumPy does the same, which is why
// pos runs from 0 to 624 and a freshly seeded state reports pos 624.
func (r *RandomState) twist() {
	mt := &r.key
	var i int
	for i = 0; i < stateLen-shiftM; i++ {
		y := (mt[i] & upperMask) | (mt[i+1] & lowerMask)
		mt[i] = mt[i+shiftM] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	for ; i < stateLen-1; i++ {
		y := (mt[i] & upperMask) | (mt[i+1] & lowerMask)
		mt[i] = mt[i+shiftM-stateLen] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	y := (mt[stateLen-1] & upperMask) | (mt[0] & lowerMask)
	mt[stateLen-1] = mt[shiftM-1] ^ (y >> 1) ^ (-(y & 1) & matrixA)
	r.pos = 0
}

// Uint32 returns the next raw 32-bit MT19937 output.
func (r *RandomState) Uint32() uint32 {
	if r.pos >= stateLen {
		r.twist()
	}
	y := r.key[r.pos]
	r.pos++
	return temper(y)
}

func temper(y uint32) uint32 {
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Uint64 returns two raw outputs joined, the first one in the high half, as
// NumPy's MT19937 next_uint64 does.
func (r *RandomState) Uint64() uint64 {
	hi := uint64(r.Uint32())
	return hi<<32 | uint64(r.Uint32())
}

// State returns the generator state in the shape of
// RandomState.get_state(): ('MT19937', key, pos, has_gauss, cached_gaussian).
func (r *RandomState) State() (key [624]uint32, pos int, hasGauss bool, gauss float64) {
	return r.key, r.pos, r.hasGauss, r.gauss
}

// SetState restores a state taken from State or from NumPy's get_state().
// As in NumPy, gauss is stored as given but only used while hasGauss is set.
// A pos outside [0, 624] is rejected (NumPy would read past the key); an
// all-zero key is accepted, as NumPy does, although the generator then only
// produces zeros.
func (r *RandomState) SetState(key [624]uint32, pos int, hasGauss bool, gauss float64) error {
	if pos < 0 || pos > stateLen {
		return fmt.Errorf("random: SetState: pos %d out of range [0, %d]", pos, stateLen)
	}
	r.key = key
	r.pos = pos
	r.hasGauss = hasGauss
	r.gauss = gauss
	return nil
}
