package tensor

// Full returns a row-major tensor of the given shape with every element value (cast to dt).
func Full(dt DType, value float64, shape ...int) *Tensor {
	t := New(dt, shape...)
	if value != 0 {
		t.CopyFrom(Cast(Scalar(value), dt))
	}
	return t
}

// Ones returns a tensor of ones.
func Ones(dt DType, shape ...int) *Tensor { return Full(dt, 1, shape...) }

// ScalarOf returns a rank-0 tensor of dtype dt holding value (rounded as Cast rounds).
func ScalarOf(dt DType, value float64) *Tensor { return Cast(Scalar(value), dt) }

// Arange returns the 1-D tensor start, start+step, ... below stop (above, for a negative
// step), computed in float64 and cast to dt, like numpy.arange.
func Arange(dt DType, start, stop, step float64) *Tensor {
	if step == 0 {
		panicf("Arange", ErrArgument, "step cannot be zero")
	}
	n := 0
	if v := (stop - start) / step; v > 0 {
		n = int(v)
		if float64(n) < v {
			n++
		}
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = start + float64(i)*step
	}
	return Cast(FromSlice(vals), dt)
}
