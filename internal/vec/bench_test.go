package vec

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks run each kernel through both paths on 1M float32 (4 MiB per slice, so the
// data streams from L3/DRAM) and, for the compute-bound ones, on 16K float32 (64 KiB per
// slice, L2-resident). SetBytes counts bytes read plus written; Gelem/s is elements per
// second. Typical use:
//
//	go test -run '^$' -bench . -count 5 ./internal/vec/

const (
	benchBig   = 1 << 20
	benchSmall = 1 << 14
)

func benchInput(n int, lo, hi float32) []float32 {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	a := make([]float32, n)
	for i := range a {
		a[i] = lo + (hi-lo)*r.Float32()
	}
	return a
}

func reportElems(b *testing.B, n int) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
}

// forPaths runs fn as sub-benchmarks "asm" and "go", and "asm-16K"/"go-16K" when small.
func forPaths(b *testing.B, small bool, fn func(b *testing.B, asm bool, n int)) {
	sizes := []struct {
		suffix string
		n      int
	}{{"", benchBig}}
	if small {
		sizes = append(sizes, struct {
			suffix string
			n      int
		}{"-16K", benchSmall})
	}
	for _, sz := range sizes {
		for _, p := range []path{{"asm", true}, {"go", false}} {
			b.Run(p.name+sz.suffix, func(b *testing.B) {
				if p.asm && !hasAVX2FMA {
					b.Skip("no AVX2+FMA")
				}
				fn(b, p.asm, sz.n)
			})
		}
	}
}

func pick[F any](asm bool, a, g F) F {
	if asm {
		return a
	}
	return g
}

func benchUnary(b *testing.B, small bool, asmF, goF func(dst, a []float32), lo, hi float32) {
	forPaths(b, small, func(b *testing.B, asm bool, n int) {
		f := pick(asm, asmF, goF)
		in, dst := benchInput(n, lo, hi), make([]float32, n)
		b.SetBytes(int64(n) * 8)
		for b.Loop() {
			f(dst, in)
		}
		reportElems(b, n)
	})
}

func BenchmarkAddF32(b *testing.B) {
	forPaths(b, true, func(b *testing.B, asm bool, n int) {
		f := pick(asm, addF32AVX2, addF32Go)
		x, y, dst := benchInput(n, -1, 1), benchInput(n+1, -1, 1), make([]float32, n)
		b.SetBytes(int64(n) * 12)
		for b.Loop() {
			f(dst, x, y)
		}
		reportElems(b, n)
	})
}

func BenchmarkAddScalarF32(b *testing.B) {
	forPaths(b, false, func(b *testing.B, asm bool, n int) {
		f := pick(asm, addScalarF32AVX2, addScalarF32Go)
		x, dst := benchInput(n, -1, 1), make([]float32, n)
		b.SetBytes(int64(n) * 8)
		for b.Loop() {
			f(dst, x, 0.5)
		}
		reportElems(b, n)
	})
}

func BenchmarkExpF32(b *testing.B) { benchUnary(b, true, expF32AVX2, expF32Go, -10, 10) }

func BenchmarkLogF32(b *testing.B) { benchUnary(b, true, logF32AVX2, logF32Go, 1e-3, 100) }

func BenchmarkTanhF32(b *testing.B) { benchUnary(b, true, tanhF32AVX2, tanhF32Go, -5, 5) }

func BenchmarkSigmoidF32(b *testing.B) { benchUnary(b, true, sigmoidF32AVX2, sigmoidF32Go, -10, 10) }

func BenchmarkSumF32(b *testing.B) {
	forPaths(b, true, func(b *testing.B, asm bool, n int) {
		f := pick(asm, sumF32AVX2, sumF32Go)
		x := benchInput(n, -1, 1)
		b.SetBytes(int64(n) * 4)
		var s float32
		for b.Loop() {
			s += f(x)
		}
		reportElems(b, n)
		_ = s
	})
}

func BenchmarkMaxF32(b *testing.B) {
	forPaths(b, true, func(b *testing.B, asm bool, n int) {
		x := benchInput(n, -1, 1)
		b.SetBytes(int64(n) * 4)
		var s float32
		for b.Loop() {
			s += maxF32(x, asm)
		}
		reportElems(b, n)
		_ = s
	})
}

// Softmax over 1024 rows of 1024 (the 1M case) or 16 rows of 1024 (16K).
func BenchmarkSoftmaxRowsF32(b *testing.B) {
	forPaths(b, true, func(b *testing.B, asm bool, n int) {
		x, dst := benchInput(n, -10, 10), make([]float32, n)
		b.SetBytes(int64(n) * 8)
		for b.Loop() {
			softmaxRows(dst, x, 1024, asm)
		}
		reportElems(b, n)
	})
}

func BenchmarkLogSoftmaxRowsF32(b *testing.B) {
	forPaths(b, false, func(b *testing.B, asm bool, n int) {
		x, dst := benchInput(n, -10, 10), make([]float32, n)
		b.SetBytes(int64(n) * 8)
		for b.Loop() {
			logSoftmaxRows(dst, x, 1024, asm)
		}
		reportElems(b, n)
	})
}
