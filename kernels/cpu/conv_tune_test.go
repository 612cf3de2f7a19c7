package cpu

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// Tuning benchmarks for the reference CNN's second layer (float32): the parts of the
// convolutions on their own, and the chunk sizes. The kernels write into preallocated buffers
// here, so these times leave out allocating the result, which BenchmarkConv2D includes (on a
// freshly mapped heap that is a page fault per 4 KiB, about 0.3 ms for layer 2's 2 MiB).
//
//	go test ./kernels/cpu -run '^$' -bench ConvTune -count 5

func BenchmarkConvTune(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := convRandTensor(r, tensor.Float32, 64, 13, 13, 32)
	f := convRandTensor(r, tensor.Float32, 3, 3, 32, 64)
	g := planConv("Conv2D", x.Shape(), f.Shape(), Conv2DParams{}, "input", "filter")
	xs, ws := tensor.Data[float32](x), tensor.Data[float32](f)
	m, k, o := g.rows(), g.k(), g.o
	col := make([]float32, m*k)
	y := make([]float32, m*o)
	dy := tensor.Data[float32](convRandTensor(r, tensor.Float32, m, o))
	dx := make([]float32, len(xs))
	dw := make([]float32, k*o)
	gflops := func(b *testing.B) {
		b.ReportMetric(2*float64(m*o*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	}
	// one limits the pool to one thread until the function it returns is called.
	one := func() func() {
		prev := parallel.SetThreads(1)
		return func() { parallel.SetThreads(prev) }
	}
	b.Run("im2col-1thread", func(b *testing.B) {
		defer one()()
		for b.Loop() {
			im2col(&g, xs, 0, m, col)
		}
	})
	b.Run("col2im-1thread", func(b *testing.B) {
		defer one()()
		for b.Loop() {
			col2im(&g, col, 0, g.n, dx)
		}
	})
	im2col(&g, xs, 0, m, col)
	b.Run("gemm-forward-whole", func(b *testing.B) {
		for b.Loop() {
			Gemm(m, o, k, 1, col, k, 1, ws, o, 1, 0, y, o, 1)
		}
		gflops(b)
	})
	for _, elems := range []int{16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10} {
		b.Run(fmt.Sprint("forward/chunk-elems-", elems), func(b *testing.B) {
			prev := convChunkElems
			convChunkElems = elems
			defer func() { convChunkElems = prev }()
			for b.Loop() {
				convForward(&g, xs, ws, y)
			}
			gflops(b)
		})
		b.Run(fmt.Sprint("backprop_filter/chunk-elems-", elems), func(b *testing.B) {
			prev := convChunkElems
			convChunkElems = elems
			defer func() { convChunkElems = prev }()
			for b.Loop() {
				convBackpropFilter(&g, xs, dy, dw)
			}
			gflops(b)
		})
	}
	for _, rows := range []int{1, 128, 256, 512} {
		b.Run(fmt.Sprint("backprop_input/chunk-rows-", rows), func(b *testing.B) {
			prev := convBackInputRows
			convBackInputRows = rows
			defer func() { convBackInputRows = prev }()
			for b.Loop() {
				clear(dx)
				convBackpropInput(&g, dy, ws, dx)
			}
			gflops(b)
		})
	}
}

// directConv1 is a direct convolution for single-channel inputs (the reference CNN's first
// layer), kept here only to compare with im2col + GEMM: per output pixel it gathers the
// window's taps and forms each output channel as a dot product with the filter column.
func directConv1(g *convGeom, x, w, y []float32, lo, hi int) {
	var offBuf [64]int
	offs := tapOffsets(g, &offBuf)
	taps := make([]float32, len(offs))
	o := g.o
	for r := lo; r < hi; r++ {
		n, rem := r/(g.oh*g.ow), r%(g.oh*g.ow)
		i, j := rem/g.ow, rem%g.ow
		src := x[n*g.h*g.w+(i*g.sh)*g.w+j*g.sw:]
		for t, off := range offs {
			taps[t] = src[off]
		}
		out := y[r*o : (r+1)*o]
		for oc := range out {
			var s float32
			for t, v := range taps {
				s += v * w[t*o+oc]
			}
			out[oc] = s
		}
	}
}

func BenchmarkConvTuneLayer1(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x := convRandTensor(r, tensor.Float32, 64, 28, 28, 1)
	f := convRandTensor(r, tensor.Float32, 3, 3, 1, 32)
	g := planConv("Conv2D", x.Shape(), f.Shape(), Conv2DParams{}, "input", "filter")
	xs, ws := tensor.Data[float32](x), tensor.Data[float32](f)
	y := make([]float32, g.rows()*g.o)
	flops := 2 * float64(g.rows()*g.k()*g.o)
	b.Run("im2col-gemm", func(b *testing.B) {
		for b.Loop() {
			convForward(&g, xs, ws, y)
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	b.Run("direct-go", func(b *testing.B) {
		for b.Loop() {
			parallel.For(g.rows(), 1024, func(lo, hi int) { directConv1(&g, xs, ws, y, lo, hi) })
		}
		b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
	want := make([]float32, len(y))
	convForward(&g, xs, ws, want)
	directConv1(&g, xs, ws, y, 0, g.rows())
	for i := range y {
		if d := y[i] - want[i]; d > 1e-4 || d < -1e-4 {
			b.Fatalf("direct kernel differs at %d: %v vs %v", i, y[i], want[i])
		}
	}
}
