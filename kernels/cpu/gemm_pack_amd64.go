//go:build amd64

package cpu

import "unsafe"

// Packing hooks of the AVX2 kernels for full panels whose rows or columns are contiguous (a
// row-major or transposed operand). Each checks the last element it will read before calling
// the assembly, so a driver bug panics instead of reading out of bounds.

func gemmPackA6F32(dst, a []float32, base, rs, cs, kc int) bool {
	switch {
	case cs == 1 && rs > 0:
		_, _ = a[base+5*rs+kc-1], dst[6*kc-1]
		gemmTranspose4F32(&dst[0], &a[base], rs, 6, kc)
		gemmTranspose2F32(&dst[4], &a[base+4*rs], rs, 6, kc)
	case rs == 1 && cs > 0:
		_, _ = a[base+(kc-1)*cs+5], dst[6*kc-1]
		gemmCopyRows(gemmBytePtr(&dst[0]), gemmBytePtr(&a[base]), cs*4, 24, kc)
	default:
		return false
	}
	return true
}

func gemmPackB16F32(dst, b []float32, base, rs, cs, kc int) bool {
	switch {
	case cs == 1 && rs > 0:
		_, _ = b[base+(kc-1)*rs+15], dst[16*kc-1]
		gemmCopyRows(gemmBytePtr(&dst[0]), gemmBytePtr(&b[base]), rs*4, 64, kc)
	case rs == 1 && cs > 0:
		_, _ = b[base+15*cs+kc-1], dst[16*kc-1]
		for g := 0; g < 16; g += 4 {
			gemmTranspose4F32(&dst[g], &b[base+g*cs], cs, 16, kc)
		}
	default:
		return false
	}
	return true
}

func gemmPackA6F64(dst, a []float64, base, rs, cs, kc int) bool {
	switch {
	case cs == 1 && rs > 0:
		_, _ = a[base+5*rs+kc-1], dst[6*kc-1]
		for g := 0; g < 6; g += 2 {
			gemmTranspose2F64(&dst[g], &a[base+g*rs], rs, 6, kc)
		}
	case rs == 1 && cs > 0:
		_, _ = a[base+(kc-1)*cs+5], dst[6*kc-1]
		gemmCopyRows(gemmBytePtr(&dst[0]), gemmBytePtr(&a[base]), cs*8, 48, kc)
	default:
		return false
	}
	return true
}

func gemmPackB8F64(dst, b []float64, base, rs, cs, kc int) bool {
	switch {
	case cs == 1 && rs > 0:
		_, _ = b[base+(kc-1)*rs+7], dst[8*kc-1]
		gemmCopyRows(gemmBytePtr(&dst[0]), gemmBytePtr(&b[base]), rs*8, 64, kc)
	case rs == 1 && cs > 0:
		_, _ = b[base+7*cs+kc-1], dst[8*kc-1]
		for g := 0; g < 8; g += 2 {
			gemmTranspose2F64(&dst[g], &b[base+g*cs], cs, 8, kc)
		}
	default:
		return false
	}
	return true
}

func gemmBytePtr[T float32 | float64](p *T) *byte { return (*byte)(unsafe.Pointer(p)) }

//go:noescape
func gemmTranspose4F32(dst, src *float32, ld, ds, kc int)

//go:noescape
func gemmTranspose2F32(dst, src *float32, ld, ds, kc int)

//go:noescape
func gemmTranspose2F64(dst, src *float64, ld, ds, kc int)

//go:noescape
func gemmCopyRows(dst, src *byte, ld, width, rows int)
