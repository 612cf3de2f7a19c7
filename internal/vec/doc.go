// Package vec holds tensorgraph's slice-level numeric kernels: elementwise float32 (and some
// float64) arithmetic, exp/log/tanh/sigmoid, reductions and row-wise softmax, used by the
// tensor package's elementwise ops and by training code. It depends on no other package of
// the module.
//
// # Conventions
//
// Elementwise functions work on n = len(dst) elements and panic, naming the function and the
// lengths, if an input is shorter; longer inputs are fine (only their first n elements are
// read). dst may be the very same slice as an input (in-place operation) but must not
// otherwise overlap one; that panics too. The row-wise functions use the first rows*cols
// elements of dst and a. Nothing allocates, and nothing keeps a reference to its arguments.
//
// # Exactness
//
// Add, Sub, Mul, Div (F32 and F64), the scalar variants (AddScalar, SubScalar, ScalarSub,
// MulScalar, DivScalar, ScalarDiv), Relu and Axpy are exact IEEE operations and give the same
// bits as the obvious Go loop on every platform and path. Axpy rounds alpha*x[i] before adding
// (no fused multiply-add), DivScalar divides rather than multiplying by 1/s, and Relu is
// np.maximum(a, 0): NaN stays NaN, -0 stays -0.
//
// SumF32 and SumF64 add into 32 (16 for float64) running sums, element i into sum i mod 32,
// then fold them pairwise. The order is fixed and shared by the assembly and the Go code, so
// both give identical bits, but it is not NumPy's pairwise summation and results can differ
// from np.sum in the last bits. MaxF32 returns the first NaN if there is one.
//
// # Transcendental functions
//
// ExpF32, LogF32, TanhF32 and SigmoidF32 are accurate to the following maximum errors,
// measured over all 2^32 float32 inputs against float64 math (math.Exp, math.Log,
// math.Tanh, 1/(1+math.Exp(-x))), in float32 ulps of the exact result:
//
//	            AVX2+FMA assembly    pure Go
//	ExpF32      1.02 ulp             0.50 ulp
//	LogF32      0.85 ulp             0.50 ulp
//	TanhF32     1.14 ulp             0.50 ulp
//	SigmoidF32  1.01 ulp             0.50 ulp
//
// So every result is one of the two float32 values around the exact one (the pure-Go
// results are the correctly rounded ones except for rare near-halfway cases), and the two
// paths can differ from each other by one ulp. The tests assert 2 ulp over every 97th float32
// and the edge cases; TENSORGRAPH_VEC_EXHAUSTIVE=1 makes them sweep all inputs. The bounds
// include subnormal results (exp and sigmoid round them once; log takes subnormal inputs).
// The assembly evaluates float32 polynomials with FMA (Cephes coefficients for exp, log and
// the small-|x| tanh; tanh and sigmoid carry their denominators as hi+lo pairs so a rounding
// there costs no extra ulp); the Go code evaluates in float64 and rounds once.
//
// Special values: exp overflows to +Inf above 88.7228 and underflows through the subnormals
// to 0; exp(-Inf) = 0. log(±0) = -Inf, log(x<0) = NaN, log(+Inf) = +Inf. tanh(±Inf) = ±1,
// tanh(±0) = ±0. sigmoid(+Inf) = 1, sigmoid(-Inf) = 0. NaN inputs give NaN.
//
// SoftmaxRowsF32 subtracts each row's maximum, exponentiates, sums in float64 and divides;
// LogSoftmaxRowsF32 computes (x - max) - log(sum) without forming the softmax. Rows that hold
// NaN or +Inf, or only -Inf, come out as NaN, as the formula gives. ExpF64 and LogF64 are plain
// math.Exp/math.Log loops.
//
// # Implementation selection
//
// On amd64 CPUs with AVX2 and FMA (checked once with golang.org/x/sys/cpu, which also
// checks that the OS saves the YMM registers) the functions run Go assembly that processes 8
// float32 (4 float64) per instruction and finishes tails with masked loads and stores, so no
// element is handled differently and nothing outside the slices is touched. Elsewhere, on
// other architectures, with the purego build tag, or when the environment variable
// TENSORGRAPH_NOASM=1 is set at program start (it is read once, during package
// initialization), the pure-Go kernels run. All functions are safe for concurrent use on
// disjoint destinations.
package vec
