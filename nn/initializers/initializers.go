package initializers

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Initializer makes the initial value of a variable. Random ones draw from rs in float64 (in
// row-major order, like NumPy's size= argument) and cast to dt once, so the same seed gives
// the same values as the equivalent NumPy expression on np.random.RandomState(seed).
type Initializer interface {
	Initialize(rs *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor
}

// Zeros fills with 0 (Keras' default bias initializer).
type Zeros struct{}

// Initialize implements Initializer.
func (Zeros) Initialize(_ *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	return tensor.New(dt, shape...)
}

// Ones fills with 1.
type Ones struct{}

// Initialize implements Initializer.
func (Ones) Initialize(_ *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	return tensor.Ones(dt, shape...)
}

// Constant fills with Value.
type Constant struct{ Value float64 }

// Initialize implements Initializer.
func (c Constant) Initialize(_ *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	return tensor.Full(dt, c.Value, shape...)
}

// RandomUniform draws from U[Min, Max): rs.uniform(Min, Max, size=shape).
type RandomUniform struct{ Min, Max float64 }

// Initialize implements Initializer.
func (u RandomUniform) Initialize(rs *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	rs.FillUniform(v, u.Min, u.Max)
	return tensor.Cast(tensor.FromSlice(v, shape...), dt)
}

// RandomNormal draws from N(Mean, Stddev²): rs.normal(Mean, Stddev, size=shape).
type RandomNormal struct{ Mean, Stddev float64 }

// Initialize implements Initializer.
func (n RandomNormal) Initialize(rs *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	rs.FillNormal(v, n.Mean, n.Stddev)
	return tensor.Cast(tensor.FromSlice(v, shape...), dt)
}

// TruncatedNormal draws from N(Mean, Stddev²) and redraws any value more than two standard
// deviations from the mean, as Keras' TruncatedNormal does; each element is drawn (and
// redrawn) in turn.
type TruncatedNormal struct{ Mean, Stddev float64 }

// Initialize implements Initializer.
func (n TruncatedNormal) Initialize(rs *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	for i := range v {
		for {
			x := rs.Normal(n.Mean, n.Stddev)
			if math.Abs(x-n.Mean) <= 2*n.Stddev {
				v[i] = x
				break
			}
		}
	}
	return tensor.Cast(tensor.FromSlice(v, shape...), dt)
}

// Fans returns Keras' fan-in and fan-out of a weight shape: a Dense kernel [in, out] has
// fans (in, out); a convolution kernel [h, w, in, out] multiplies both by h·w; a vector's fans
// are its length; a scalar's are 1.
func Fans(shape []int) (fanIn, fanOut float64) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return float64(shape[0]), float64(shape[0])
	case 2:
		return float64(shape[0]), float64(shape[1])
	}
	receptive := 1
	for _, d := range shape[:len(shape)-2] {
		receptive *= d
	}
	return float64(shape[len(shape)-2] * receptive), float64(shape[len(shape)-1] * receptive)
}

// Mode chooses which fan VarianceScaling divides by.
type Mode string

// Distribution chooses what VarianceScaling draws from.
type Distribution string

// The modes and distributions of Keras' VarianceScaling.
const (
	FanIn  Mode = "fan_in"
	FanOut Mode = "fan_out"
	FanAvg Mode = "fan_avg"

	Uniform           Distribution = "uniform"
	Normal            Distribution = "untruncated_normal"
	TruncatedNormalD  Distribution = "truncated_normal"
	truncatedStdRatio              = 0.87962566103423978 // std of N(0,1) truncated to [-2, 2]
)

// VarianceScaling draws with variance Scale/n, n being the fan chosen by Mode: uniform on
// ±sqrt(3·Scale/n), a normal with that standard deviation, or a normal truncated at two
// standard deviations whose standard deviation is first divided by 0.8796 so that the
// truncated distribution keeps the wanted variance (Keras' rule).
type VarianceScaling struct {
	Scale        float64
	Mode         Mode
	Distribution Distribution
}

// Initialize implements Initializer.
func (v VarianceScaling) Initialize(rs *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	fanIn, fanOut := Fans(shape)
	n := fanIn
	switch v.Mode {
	case FanOut:
		n = fanOut
	case FanAvg:
		n = (fanIn + fanOut) / 2
	case FanIn:
	default:
		panic(fmt.Sprintf("initializers: VarianceScaling: unknown mode %q (want fan_in, fan_out or fan_avg)", v.Mode))
	}
	scale := v.Scale / math.Max(1, n)
	switch v.Distribution {
	case Uniform:
		limit := math.Sqrt(3 * scale)
		return RandomUniform{-limit, limit}.Initialize(rs, dt, shape...)
	case Normal:
		return RandomNormal{0, math.Sqrt(scale)}.Initialize(rs, dt, shape...)
	case TruncatedNormalD:
		return TruncatedNormal{0, math.Sqrt(scale) / truncatedStdRatio}.Initialize(rs, dt, shape...)
	}
	panic(fmt.Sprintf("initializers: VarianceScaling: unknown distribution %q", v.Distribution))
}

// GlorotUniform is Keras' default kernel initializer: U[-l, l] with l = sqrt(6/(fanIn+fanOut)).
func GlorotUniform() VarianceScaling { return VarianceScaling{1, FanAvg, Uniform} }

// GlorotNormal is a truncated normal with stddev sqrt(2/(fanIn+fanOut)) (before truncation).
func GlorotNormal() VarianceScaling { return VarianceScaling{1, FanAvg, TruncatedNormalD} }

// HeUniform is U[-l, l] with l = sqrt(6/fanIn), suited to ReLU layers.
func HeUniform() VarianceScaling { return VarianceScaling{2, FanIn, Uniform} }

// HeNormal is a truncated normal with stddev sqrt(2/fanIn) (before truncation).
func HeNormal() VarianceScaling { return VarianceScaling{2, FanIn, TruncatedNormalD} }

// LecunUniform is U[-l, l] with l = sqrt(3/fanIn).
func LecunUniform() VarianceScaling { return VarianceScaling{1, FanIn, Uniform} }

// LecunNormal is a truncated normal with stddev sqrt(1/fanIn) (before truncation).
func LecunNormal() VarianceScaling { return VarianceScaling{1, FanIn, TruncatedNormalD} }

// Orthogonal makes a (semi-)orthogonal matrix times Gain, Keras' way: the shape is flattened
// to [prod(shape[:-1]), shape[-1]], a standard normal matrix of the taller orientation is
// drawn, factored as QR, and Q's columns are multiplied by the signs of R's diagonal so the
// result is uniformly distributed. Rows (or columns, whichever are fewer) are orthonormal.
type Orthogonal struct{ Gain float64 }

// Initialize implements Initializer. It panics for shapes of rank < 2.
func (o Orthogonal) Initialize(rs *random.RandomState, dt tensor.DType, shape ...int) *tensor.Tensor {
	if len(shape) < 2 {
		panic(fmt.Sprintf("initializers: Orthogonal needs a shape of rank >= 2, got %v", tensor.Shape(shape)))
	}
	cols := shape[len(shape)-1]
	rows := tensor.Shape(shape).NumElements() / max(cols, 1)
	r, c := rows, cols
	if rows < cols {
		r, c = cols, rows
	}
	a := make([]float64, r*c)
	rs.FillStandardNormal(a)
	var qr mat.QR
	qr.Factorize(mat.NewDense(r, c, a))
	var q, rr mat.Dense
	qr.QTo(&q)
	qr.RTo(&rr)
	out := make([]float64, r*c)
	for j := range c {
		s := 1.0
		if rr.At(j, j) < 0 {
			s = -1
		}
		for i := range r {
			out[i*c+j] = o.Gain * s * q.At(i, j)
		}
	}
	t := tensor.FromSlice(out, r, c)
	if rows < cols {
		t = t.T()
	}
	return tensor.Cast(t.Reshape(shape...), dt)
}

// Get returns an initializer by its Keras name ("glorot_uniform", "he_normal", "zeros", ...)
// with Keras' default arguments.
func Get(name string) (Initializer, error) {
	switch name {
	case "zeros":
		return Zeros{}, nil
	case "ones":
		return Ones{}, nil
	case "random_uniform":
		return RandomUniform{-0.05, 0.05}, nil
	case "random_normal":
		return RandomNormal{0, 0.05}, nil
	case "truncated_normal":
		return TruncatedNormal{0, 0.05}, nil
	case "glorot_uniform":
		return GlorotUniform(), nil
	case "glorot_normal":
		return GlorotNormal(), nil
	case "he_uniform":
		return HeUniform(), nil
	case "he_normal":
		return HeNormal(), nil
	case "lecun_uniform":
		return LecunUniform(), nil
	case "lecun_normal":
		return LecunNormal(), nil
	case "orthogonal":
		return Orthogonal{Gain: 1}, nil
	}
	return nil, fmt.Errorf("initializers: unknown initializer %q (want zeros, ones, random_uniform, random_normal, truncated_normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal or orthogonal)", name)
}
