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
}

type benchConfig struct {
	sizes   []int
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
	asJSON := fs.Bool("json", false, "one JSON object per line instead of a table")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg := benchConfig{repeats: max(*repeats, 1), minTime: *minTime}
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
