// Package initializers makes the initial values of variables, with Keras' names and rules:
// Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling and its
// Glorot (Xavier), He and LeCun presets, and Orthogonal. Get looks one up by Keras name.
//
// Random initializers draw from a NumPy-compatible random.RandomState in float64 and cast once,
// so a seed reproduces NumPy: GlorotUniform on a [4,3] kernel with RandomState(0) gives exactly
// np.random.RandomState(0).uniform(-l, l, size=(4,3)) with l = sqrt(6/7). Fans follow Keras: a
// convolution kernel [h, w, in, out] has fan-in h·w·in and fan-out h·w·out.
//
// Bad arguments (an unknown mode or distribution, an Orthogonal shape of rank < 2) are
// programmer errors and panic with a message naming the initializer.
package initializers
