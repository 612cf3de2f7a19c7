//go:build amd64

package cpu

import "unsafe"

// convAddMin is the shortest run handed to the assembly: below it the call costs more than
// the scalar loop.
const convAddMin = 16

// addTo adds src to dst elementwise (len(src) ≥ len(dst)).
func addTo[T float32 | float64](dst, src []T) {
	if len(dst) < convAddMin || !features.AVX2FMA {
		addToGo(dst, src)
		return
	}
	src = src[:len(dst)] // the bounds check the assembly relies on
	var z T
	if unsafe.Sizeof(z) == 4 {
		addF32AVX2((*float32)(unsafe.Pointer(&dst[0])), (*float32)(unsafe.Pointer(&src[0])), len(dst))
	} else {
		addF64AVX2((*float64)(unsafe.Pointer(&dst[0])), (*float64)(unsafe.Pointer(&src[0])), len(dst))
	}
}

//go:noescape
func addF32AVX2(dst, src *float32, n int)

//go:noescape
func addF64AVX2(dst, src *float64, n int)

// poolMaxAsm computes max pooling for the leading channels of out that the AVX2 kernel takes
// (a multiple of 8, float32 only), over the taps at offs32 (element offsets from src, first
// 0, increasing), and returns how many it did; the caller finishes the rest.
func poolMaxAsm[T float32 | float64](out, src []T, offs32 []int32) int {
	var z T
	n := len(out) &^ 7
	if n == 0 || unsafe.Sizeof(z) != 4 || !features.AVX2FMA || len(offs32) == 0 {
		return 0
	}
	_ = src[int(offs32[len(offs32)-1])+n-1] // the last element the kernel reads
	maxTapsF32AVX2((*float32)(unsafe.Pointer(&out[0])), (*float32)(unsafe.Pointer(&src[0])), &offs32[0], len(offs32), n)
	return n
}

// poolRouteAsm is poolMaxAsm for the gradient: it adds d[k] to dst at channel k's maximum,
// or, when disjoint says no other window covers these taps, stores d[k] there and zeros at
// the window's other taps without reading dst.
func poolRouteAsm[T float32 | float64](src, dst, d []T, offs32 []int32, disjoint bool) int {
	var z T
	n := len(d) &^ 7
	if n == 0 || unsafe.Sizeof(z) != 4 || !features.AVX2FMA || len(offs32) == 0 {
		return 0
	}
	last := int(offs32[len(offs32)-1]) + n - 1
	_, _ = src[last], dst[last]
	ps, pd, pdy := (*float32)(unsafe.Pointer(&src[0])), (*float32)(unsafe.Pointer(&dst[0])), (*float32)(unsafe.Pointer(&d[0]))
	if disjoint {
		routeMaxStoreF32AVX2(ps, pd, pdy, &offs32[0], len(offs32), n)
	} else {
		routeMaxF32AVX2(ps, pd, pdy, &offs32[0], len(offs32), n)
	}
	return n
}

//go:noescape
func maxTapsF32AVX2(out, src *float32, offs *int32, taps, n int)

//go:noescape
func routeMaxF32AVX2(src, dst, dy *float32, offs *int32, taps, n int)

//go:noescape
func routeMaxStoreF32AVX2(src, dst, dy *float32, offs *int32, taps, n int)
