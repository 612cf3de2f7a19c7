package random

import "github.com/tensorgraph/tensorgraph/tensor"

// The methods below are NumPy's array-returning calls: they draw in row-major order, exactly
// as RandomState does with a size= argument, and return float64 (or int64) tensors; cast the
// result for other dtypes (np.random.randn(...).astype(np.float32) is tensor.Cast(r.Randn(...),
// tensor.Float32)).

// Randn returns standard normals of the given shape, like RandomState.randn(*shape).
func (r *RandomState) Randn(shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	r.FillStandardNormal(v)
	return shaped(v, shape)
}

// Rand returns uniform samples in [0, 1), like RandomState.rand(*shape).
func (r *RandomState) Rand(shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	r.FillRandomSample(v)
	return shaped(v, shape)
}

// UniformTensor returns samples of U[low, high), like RandomState.uniform(low, high, size=shape).
func (r *RandomState) UniformTensor(low, high float64, shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	r.FillUniform(v, low, high)
	return shaped(v, shape)
}

// NormalTensor returns samples of N(loc, scale²), like RandomState.normal(loc, scale, size=shape).
func (r *RandomState) NormalTensor(loc, scale float64, shape ...int) *tensor.Tensor {
	v := make([]float64, tensor.Shape(shape).NumElements())
	r.FillNormal(v, loc, scale)
	return shaped(v, shape)
}

// RandintTensor returns int64 samples in [low, high), like RandomState.randint(low, high, size=shape).
func (r *RandomState) RandintTensor(low, high int64, shape ...int) *tensor.Tensor {
	v := make([]int64, tensor.Shape(shape).NumElements())
	r.FillRandint(v, low, high)
	return shaped(v, shape)
}

// shaped builds the result tensor; no dims means a scalar, as NumPy's randn() returns one.
func shaped[T float64 | int64](v []T, shape []int) *tensor.Tensor {
	if len(shape) == 0 {
		return tensor.FromSlice(v).Reshape()
	}
	return tensor.FromSlice(v, shape...)
}
