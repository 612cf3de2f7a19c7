package cpu

import (
	"fmt"
	"math"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/internal/vec"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Softmax returns exp(x - max) / sum(exp(x - max)) along the last axis of a float32 or float64
// tensor of rank >= 1, the max and sum taken per row, so large inputs do not overflow
// (tf.nn.softmax). Rows run in parallel on the shared pool; float32 uses the AVX2 kernels.
// It panics for other dtypes and for rank 0.
func Softmax(x *tensor.Tensor) *tensor.Tensor { return softmaxLike("Softmax", x, false) }

// LogSoftmax returns x - max - log(sum(exp(x - max))) along the last axis, finite where the
// softmax underflows to zero (tf.nn.log_softmax). Dtypes and panics as for Softmax.
func LogSoftmax(x *tensor.Tensor) *tensor.Tensor { return softmaxLike("LogSoftmax", x, true) }

func softmaxLike(op string, x *tensor.Tensor, logForm bool) *tensor.Tensor {
	if x.Rank() == 0 {
		panic(&tensor.Error{Op: op, Kind: tensor.ErrShape, Msg: "needs a tensor of rank >= 1, got a scalar"})
	}
	x = x.Contiguous()
	cols := x.Dim(-1)
	rows := x.NumElements() / max(cols, 1)
	out := tensor.New(x.DType(), x.Shape()...)
	if rows == 0 || cols == 0 {
		return out
	}
	grain := max(1, (1<<14)/cols) // about 16K elements per task
	switch x.DType() {
	case tensor.Float32:
		src, dst := tensor.Data[float32](x), tensor.Data[float32](out)
		parallel.For(rows, grain, func(lo, hi int) {
			a, d := src[lo*cols:hi*cols], dst[lo*cols:hi*cols]
			if logForm {
				vec.LogSoftmaxRowsF32(d, a, hi-lo, cols)
			} else {
				vec.SoftmaxRowsF32(d, a, hi-lo, cols)
			}
		})
	case tensor.Float64:
		src, dst := tensor.Data[float64](x), tensor.Data[float64](out)
		parallel.For(rows, grain, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				softmaxRow64(dst[r*cols:(r+1)*cols], src[r*cols:(r+1)*cols], logForm)
			}
		})
	default:
		panic(&tensor.Error{Op: op, Kind: tensor.ErrDType, Msg: fmt.Sprintf("unsupported dtype %v (want float32 or float64)", x.DType())})
	}
	return out
}

func softmaxRow64(d, a []float64, logForm bool) {
	m := math.Inf(-1)
	for _, v := range a {
		if v > m || v != v {
			m = v
		}
	}
	s := 0.0
	for _, v := range a {
		s += math.Exp(v - m)
	}
	if logForm {
		ls := math.Log(s)
		for i, v := range a {
			d[i] = v - m - ls
		}
		return
	}
	for i, v := range a {
		d[i] = math.Exp(v-m) / s
	}
}
