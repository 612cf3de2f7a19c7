package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tensorgraph/tensorgraph/internal/parallel"
	"github.com/tensorgraph/tensorgraph/kernels/cpu"
	"github.com/tensorgraph/tensorgraph/random"
	"github.com/tensorgraph/tensorgraph/tensor"
)

// benchRow is one measurement; JSON field names are the documented output format.
type benchRow struct {
	Kernel  string  `json:"kernel"`
	DType   string  `json:"dtype,omitempty"`
	N       int     `json:"n,omitempty"`
	Layer   string  `json:"layer,omitempty"`
	Pass    string  `json:"pass,omitempty"`
	Threads int     `json:"threads"`
	Seconds float64 `json:"seconds"`
	GFLOPS  float64 `json:"gflops"`
}

// benchKernels maps a kernel name to the function that measures it.
var benchKernels = map[string]func(cfg benchConfig) ([]benchRow, error){
	"gemm": benchGemm,
	"conv": benchConv,
}

type benchConfig struct {
	sizes   []int
	batch   int
	dtype   tensor.DType
	repeats int
	minTime time.Duration
}

func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		names := slices.Sorted(mapKeys(benchKernels))
		return fmt.Errorf("usage: tensorgraph bench <%s> [flags]", strings.Join(names, "|"))
	}
	kernel := args[0]
	measure, ok := benchKernels[kernel]
	if !ok {
		names := slices.Sorted(mapKeys(benchKernels))
		return fmt.Errorf("unknown kernel %q (want one of %s)", kernel, strings.Join(names, ", "))
	}
	fs := flag.NewFlagSet("bench "+kernel, flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "256,512,1024,2048", "comma-separated matrix sizes n (gemm: n×n·n×n)")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	threads := fs.Int("threads", 0, "intra-op threads (0: all cores)")
	repeats := fs.Int("repeats", 7, "timed runs per case; the median is reported")
	minTime := fs.Duration("min-time", 100*time.Millisecond, "each timed run repeats the kernel for at least this long")
	batch := fs.Int("batch", 64, "conv: batch size of the reference CNN's layers")
	asJSON := fs.Bool("json", false, "one JSON object per line instead of a table")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *batch <= 0 {
		return fmt.Errorf("--batch %d: want a positive batch size", *batch)
	}
	cfg := benchConfig{repeats: max(*repeats, 1), minTime: *minTime, batch: *batch}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("--sizes: %q is not a positive integer", s)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	dt, err := tensor.ParseDType(*dtype)
	if err != nil || (dt != tensor.Float32 && dt != tensor.Float64) {
		return fmt.Errorf("--dtype %q: want float32 or float64", *dtype)
	}
	cfg.dtype = dt
	if *threads > 0 {
		defer parallel.SetThreads(parallel.SetThreads(*threads))
	}
	rows, err := measure(cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kernel\tdtype\tsize\tpass\tthreads\tmedian ms\tGFLOP/s\t")
	for _, r := range rows {
		size := strconv.Itoa(r.N)
		if r.Layer != "" {
			size = r.Layer
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.3f\t%.1f\t\n", r.Kernel, r.DType, size, r.Pass, r.Threads, r.Seconds*1e3, r.GFLOPS)
	}
	return tw.Flush()
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// timeIt runs f once to warm up, then returns the median over repeats of the mean time per
// call, each timed run calling f until minTime has passed.
func timeIt(cfg benchConfig, f func()) float64 {
	f()
	times := make([]float64, cfg.repeats)
	for i := range times {
		calls := 0
		start := time.Now()
		for {
			f()
			calls++
			if el := time.Since(start); el >= cfg.minTime {
				times[i] = el.Seconds() / float64(calls)
				break
			}
		}
	}
	slices.Sort(times)
	return times[len(times)/2]
}

func benchGemm(cfg benchConfig) ([]benchRow, error) {
	var rows []benchRow
	rs := random.New(0)
	for _, n := range cfg.sizes {
		a := tensor.Cast(rs.Randn(n, n), cfg.dtype)
		b := tensor.Cast(rs.Randn(n, n), cfg.dtype)
		c := tensor.New(cfg.dtype, n, n)
		sec := timeIt(cfg, func() { cpu.MatMulInto(c, a, b, false, false, 1, 0) })
		rows = append(rows, benchRow{Kernel: "gemm", DType: cfg.dtype.String(), N: n, Threads: parallel.Threads(),
			Seconds: sec, GFLOPS: 2 * float64(n) * float64(n) * float64(n) / sec / 1e9})
	}
	return rows, nil
}

// benchConv times the layers of the reference CNN (the model of `tensorgraph train`):
// 28x28x1 -> Conv2D 3x3x32 VALID -> MaxPool 2 -> Conv2D 3x3x64 VALID -> MaxPool 2, NHWC,
// the same cases bench/torch_conv.py times in PyTorch.
func benchConv(cfg benchConfig) ([]benchRow, error) {
	n := cfg.batch
	rs := random.New(0)
	var rows []benchRow
	layers := []struct {
		name   string
		x, w   tensor.Shape
		outHWC [3]int
	}{
		{"layer1", tensor.Shape{n, 28, 28, 1}, tensor.Shape{3, 3, 1, 32}, [3]int{26, 26, 32}},
		{"layer2", tensor.Shape{n, 13, 13, 32}, tensor.Shape{3, 3, 32, 64}, [3]int{11, 11, 64}},
	}
	p := cpu.Conv2DParams{Padding: cpu.Valid()}
	for _, l := range layers {
		x := tensor.Cast(rs.Randn(l.x...), cfg.dtype)
		w := tensor.Cast(rs.Randn(l.w...), cfg.dtype)
		dy := tensor.Cast(rs.Randn(n, l.outHWC[0], l.outHWC[1], l.outHWC[2]), cfg.dtype)
		flops := 2 * float64(n*l.outHWC[0]*l.outHWC[1]) * float64(l.w.NumElements())
		cases := []struct {
			pass string
			f    func()
		}{
			{"forward", func() { cpu.Conv2D(x, w, p) }},
			{"backprop_input", func() { cpu.Conv2DBackpropInput(l.x, w, dy, p) }},
			{"backprop_filter", func() { cpu.Conv2DBackpropFilter(x, l.w, dy, p) }},
		}
		for _, c := range cases {
			sec := timeIt(cfg, c.f)
			rows = append(rows, benchRow{Kernel: "conv", DType: cfg.dtype.String(), Layer: l.name, Pass: c.pass,
				Threads: parallel.Threads(), Seconds: sec, GFLOPS: flops / sec / 1e9})
		}
	}
	for _, pl := range []struct {
		name string
		x    tensor.Shape
	}{{"pool1", tensor.Shape{n, 26, 26, 32}}, {"pool2", tensor.Shape{n, 11, 11, 64}}} {
		x := tensor.Cast(rs.Randn(pl.x...), cfg.dtype)
		y := cpu.MaxPool(x, [2]int{2, 2}, [2]int{2, 2}, cpu.Valid())
		dy := tensor.Cast(rs.Randn(y.Shape()...), cfg.dtype)
		for _, c := range []struct {
			pass string
			f    func()
		}{
			{"forward", func() { cpu.MaxPool(x, [2]int{2, 2}, [2]int{2, 2}, cpu.Valid()) }},
			{"backward", func() { cpu.MaxPoolGrad(x, dy, [2]int{2, 2}, [2]int{2, 2}, cpu.Valid()) }},
		} {
			sec := timeIt(cfg, c.f)
			// Pooling does no multiply-adds; GFLOPS here counts input elements per second (1e9).
			rows = append(rows, benchRow{Kernel: "maxpool", DType: cfg.dtype.String(), Layer: pl.name, Pass: c.pass,
				Threads: parallel.Threads(), Seconds: sec, GFLOPS: float64(pl.x.NumElements()) / sec / 1e9})
		}
	}
	return rows, nil
}
