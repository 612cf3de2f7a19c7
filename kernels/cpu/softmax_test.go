package cpu

import (
	"errors"
	"math"
	"testing"

	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// softmaxRef is the textbook formula in float64 with the row max subtracted.
func softmaxRef(vals []float64, cols int) (sm, lsm []float64) {
	sm, lsm = make([]float64, len(vals)), make([]float64, len(vals))
	for r := 0; r < len(vals)/cols; r++ {
		row := vals[r*cols : (r+1)*cols]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, v)
		}
		s := 0.0
		for _, v := range row {
			s += math.Exp(v - m)
		}
		for i, v := range row {
			sm[r*cols+i] = math.Exp(v-m) / s
			lsm[r*cols+i] = v - m - math.Log(s)
		}
	}
	return sm, lsm
}

func TestSoftmaxAgainstFloat64Formula(t *testing.T) {
	rs := random.New(3)
	for _, shape := range []tensor.Shape{{1}, {5}, {3, 7}, {2, 3, 1000}, {300, 10}} {
		x64 := tensor.Mul(rs.Randn(shape...), tensor.ScalarOf(tensor.Float64, 30)) // large values
		cols := shape[len(shape)-1]
		for _, dt := range []tensor.DType{tensor.Float32, tensor.Float64} {
			x := tensor.Cast(x64, dt)
			want, wantLog := softmaxRef(tensor.ToSlice[float64](tensor.Cast(x, tensor.Float64)), cols)
			sm, lsm := Softmax(x), LogSoftmax(x.T().T()) // the second through a strided view
			gotS := tensor.ToSlice[float64](tensor.Cast(sm, tensor.Float64))
			gotL := tensor.ToSlice[float64](tensor.Cast(lsm, tensor.Float64))
			// float64: rounding only. float32: x - max is rounded to float32 (relative error
			// 2^-24), which exp turns into a relative error of |x - max|·2^-24 in the result,
			// plus a few ulp for exp (1.14 ulp), the sum and the division.
			eps := math.Pow(2, -52)
			if dt == tensor.Float32 {
				eps = math.Pow(2, -24)
			}
			tol := 8 * eps
			for i := range want {
				rel := 8*eps + eps*math.Abs(wantLog[i])
				if math.Abs(gotS[i]-want[i]) > rel*want[i] && math.Abs(gotS[i]-want[i]) > 1e-37 {
					t.Fatalf("%v %v [%d]: softmax %v, want %v", dt, shape, i, gotS[i], want[i])
				}
				if math.Abs(gotL[i]-wantLog[i]) > 4*tol*math.Max(1, math.Abs(wantLog[i])) {
					t.Fatalf("%v %v [%d]: log-softmax %v, want %v", dt, shape, i, gotL[i], wantLog[i])
				}
			}
		}
	}
}

func TestSoftmaxErrors(t *testing.T) {
	for _, f := range []func(){
		func() { Softmax(tensor.Scalar(float32(1))) },
		func() { LogSoftmax(tensor.New(tensor.Int32, 2, 2)) },
	} {
		err := tensor.Catch(f)
		if !errors.Is(err, tensor.ErrShape) && !errors.Is(err, tensor.ErrDType) {
			t.Errorf("got %v", err)
		}
	}
	if s := Softmax(tensor.New(tensor.Float32, 0, 4)); s.NumElements() != 0 {
		t.Error("empty softmax")
	}
}
