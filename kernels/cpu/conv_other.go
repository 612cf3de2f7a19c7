//go:build !amd64

package cpu

// addTo adds src to dst elementwise (len(src) ≥ len(dst)).
func addTo[T float32 | float64](dst, src []T) { addToGo(dst, src) }

// poolMaxAsm has no assembly to run here.
func poolMaxAsm[T float32 | float64](out, src []T, offs32 []int32) int { return 0 }

// poolRouteAsm has no assembly to run here.
func poolRouteAsm[T float32 | float64](src, dst, d []T, offs32 []int32, disjoint bool) int {
	return 0
}
