package cpu

import (
	"math/rand/v2"
	"testing"

	"github.com/tensorgraph/tensorgraph/tensor"
)

// The reference CNN (tensorgraph bench conv, and the training example): batch 64,
// 28×28×1 → Conv2D 3×3×32 VALID → MaxPool 2 → Conv2D 3×3×64 VALID → MaxPool 2, float32.
// bench/torch_conv.py times the same layers in PyTorch; run the two alternately, e.g.
//
//	go test ./kernels/cpu -run '^$' -bench 'Conv2D|MaxPool' -count 5
//	OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_conv.py
//
// Convolutions report GFLOP/s (2·N·OH·OW·KH·KW·C·O per pass, the same for all three passes);
// pooling reports Gelem/s of input. BenchmarkConv2D and BenchmarkMaxPool call the allocating
// ops, so they include allocating a new zeroed result on the Go heap each time, which lands in
// memory that is not in cache (the heap cycles through more than the L3 holds between GCs):
// about 0.6 ms for layer 2's 2 MiB output and 0.8 ms for pool1's 5.5 MiB gradient on this
// machine, whatever GOGC, GODEBUG=madvdontneed=0 or a large live heap. BenchmarkConv2DInto and
// BenchmarkMaxPoolInto reuse one result, which stays in cache, as a training loop that keeps
// its activation and gradient buffers would, and as PyTorch's caching allocator does.

type benchLayer struct {
	name       string
	n, h, w, c int
	k, o       int
}

var benchLayers = []benchLayer{
	{"layer1", 64, 28, 28, 1, 3, 32},
	{"layer2", 64, 13, 13, 32, 3, 64},
}

func BenchmarkConv2D(b *testing.B)     { benchConv(b, false) }
func BenchmarkConv2DInto(b *testing.B) { benchConv(b, true) }
func BenchmarkMaxPool(b *testing.B)    { benchMaxPool(b, false) }
func BenchmarkMaxPoolInto(b *testing.B) {
	benchMaxPool(b, true)
}

func benchConv(b *testing.B, into bool) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, l := range benchLayers {
		x := convRandTensor(r, tensor.Float32, l.n, l.h, l.w, l.c)
		f := convRandTensor(r, tensor.Float32, l.k, l.k, l.c, l.o)
		p := Conv2DParams{Padding: Valid()}
		y := Conv2D(x, f, p)
		dy := convRandTensor(r, tensor.Float32, y.Shape()...)
		flops := 2 * float64(y.NumElements()) * float64(l.k*l.k*l.c)
		dx, df := tensor.New(tensor.Float32, x.Shape()...), tensor.New(tensor.Float32, f.Shape()...)
		passes := []struct {
			name string
			fn   func()
		}{
			{"forward", func() { Conv2D(x, f, p) }},
			{"backprop_input", func() { Conv2DBackpropInput(x.Shape(), f, dy, p) }},
			{"backprop_filter", func() { Conv2DBackpropFilter(x, f.Shape(), dy, p) }},
		}
		if into {
			passes[0].fn = func() { Conv2DInto(y, x, f, p) }
			passes[1].fn = func() { Conv2DBackpropInputInto(dx, f, dy, p) }
			passes[2].fn = func() { Conv2DBackpropFilterInto(df, x, dy, p) }
		}
		for _, pass := range passes {
			b.Run(l.name+"/"+pass.name, func(b *testing.B) {
				for b.Loop() {
					pass.fn()
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

func benchMaxPool(b *testing.B, into bool) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, l := range []benchLayer{{"pool1", 64, 26, 26, 32, 2, 0}, {"pool2", 64, 11, 11, 64, 2, 0}} {
		x := convRandTensor(r, tensor.Float32, l.n, l.h, l.w, l.c)
		k := [2]int{l.k, l.k}
		y := MaxPool(x, k, k, Valid())
		dy := convRandTensor(r, tensor.Float32, y.Shape()...)
		dx := tensor.New(tensor.Float32, x.Shape()...)
		passes := []struct {
			name string
			fn   func()
		}{
			{"forward", func() { MaxPool(x, k, k, Valid()) }},
			{"backward", func() { MaxPoolGrad(x, dy, k, k, Valid()) }},
		}
		if into {
			passes[0].fn = func() { MaxPoolInto(y, x, k, k, Valid()) }
			passes[1].fn = func() { MaxPoolGradInto(dx, x, dy, k, k, Valid()) }
		}
		for _, pass := range passes {
			b.Run(l.name+"/"+pass.name, func(b *testing.B) {
				for b.Loop() {
					pass.fn()
				}
				b.ReportMetric(float64(x.NumElements())*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
			})
		}
	}
}
