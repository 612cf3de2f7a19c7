package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Benchmarks report GFLOP/s (2·m·n·k per product) for square row-major products. Compare
// with NumPy using testdata/gemm/compare.py, which runs BenchmarkSgemm and
// testdata/gemm/numpy_gemm.py alternately.

func benchGemmSquare[T float32 | float64](b *testing.B, kern *gemmKernel[T], n int) {
	r := rand.New(rand.NewPCG(1, 1))
	a, bb, c := make([]T, n*n), make([]T, n*n), make([]T, n*n)
	for i := range a {
		a[i], bb[i] = T(r.Float64()), T(r.Float64())
	}
	for b.Loop() {
		gemmStrided(kern, "Gemm", n, n, n, 1, a, 0, n, 1, bb, 0, n, 1, 0, c, 0, n, 1)
	}
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// oneThread runs f with the pool limited to one thread.
func oneThread(b *testing.B, f func(b *testing.B)) func(b *testing.B) {
	return func(b *testing.B) {
		prev := parallel.SetThreads(1)
		defer parallel.SetThreads(prev)
		f(b)
	}
}

// BenchmarkSgemm measures float32 Gemm with the kernel this machine uses by default, on all
// the pool's threads.
func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{256, 512, 1024, 2048} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchGemmSquare(b, gemmDefaultKernel[float32](), n) })
	}
}

// BenchmarkSgemm1T is BenchmarkSgemm on one thread.
func BenchmarkSgemm1T(b *testing.B) {
	for _, n := range []int{256, 1024} {
		b.Run(fmt.Sprint(n), oneThread(b, func(b *testing.B) { benchGemmSquare(b, gemmDefaultKernel[float32](), n) }))
	}
}

// BenchmarkDgemm measures float64 Gemm with the kernel this machine uses by default.
func BenchmarkDgemm(b *testing.B) {
	for _, n := range []int{256, 512, 1024, 2048} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchGemmSquare(b, gemmDefaultKernel[float64](), n) })
	}
}

// BenchmarkSgemmGo measures the pure-Go fallback kernel on the same blocked driver, on all
// threads and (1T) on one.
func BenchmarkSgemmGo(b *testing.B) {
	for _, n := range []int{256, 1024} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchGemmSquare(b, sgemmGo, n) })
	}
	b.Run("256-1T", oneThread(b, func(b *testing.B) { benchGemmSquare(b, sgemmGo, 256) }))
}

// BenchmarkSgemmNaive is the textbook triple loop (one dot product per element of C, one
// thread), the baseline for the fallback's speed-up.
func BenchmarkSgemmNaive(b *testing.B) {
	n := 256
	r := rand.New(rand.NewPCG(1, 1))
	a, bb, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], bb[i] = float32(r.Float64()), float32(r.Float64())
	}
	for b.Loop() {
		gemmNaive(n, n, n, a, bb, c)
	}
	b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func gemmNaive(m, n, k int, a, b, c []float32) {
	for i := range m {
		for j := range n {
			var s float32
			for p := range k {
				s += a[i*k+p] * b[p*n+j]
			}
			c[i*n+j] = s
		}
	}
}

// BenchmarkGemmKernel times one micro-kernel call (k=256) on L1-resident packed panels, the
// ceiling the blocked driver can approach on one core.
func BenchmarkGemmKernel(b *testing.B) {
	const k = 256
	for _, kern := range gemmTestKernels[float32]() {
		a, bb, c := make([]float32, kern.mr*k), make([]float32, kern.nr*k), make([]float32, kern.mr*kern.nr)
		b.Run("float32-"+kern.name, func(b *testing.B) {
			for b.Loop() {
				kern.fn(k, a, bb, c, kern.nr, 1, 1)
			}
			b.ReportMetric(2*float64(kern.mr*kern.nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	for _, kern := range gemmTestKernels[float64]() {
		a, bb, c := make([]float64, kern.mr*k), make([]float64, kern.nr*k), make([]float64, kern.mr*kern.nr)
		b.Run("float64-"+kern.name, func(b *testing.B) {
			for b.Loop() {
				kern.fn(k, a, bb, c, kern.nr, 1, 1)
			}
			b.ReportMetric(2*float64(kern.mr*kern.nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkMatMulSmallBatch is a batch of small products, spread over the pool a batch at a
// time.
func BenchmarkMatMulSmallBatch(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	x, w := matmulRandTensor(r, tensor.Float32, 256, 32, 32), matmulRandTensor(r, tensor.Float32, 256, 32, 32)
	for b.Loop() {
		MatMul(x, w, false, false)
	}
	b.ReportMetric(2*256*32*32*32*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
