#!/usr/bin/python3
"""Times the reference CNN's layers in PyTorch (CPU), for comparison with tensorgraph's
BenchmarkConv2D, BenchmarkConv2DInto, BenchmarkMaxPool and BenchmarkMaxPoolInto
(kernels/cpu/conv_bench_test.go).

The network, batch 64 (NHWC in tensorgraph):
  28x28x1 -> Conv2D 3x3x32 VALID -> MaxPool 2 -> Conv2D 3x3x64 VALID -> MaxPool 2

PyTorch runs at its best setting on this 2-core machine: torch.set_num_threads(2) and
OPENBLAS_NUM_THREADS=1 (set before torch is imported), and by default each pass is timed in
both memory formats, NCHW and channels_last (NHWC), and the faster is reported. The backward
passes are timed separately through aten::convolution_backward with an output mask, so the
input and filter gradients are split as in the Go benchmarks; pooling backward is
aten::max_pool2d_with_indices_backward, autograd's scatter through the indices that the
forward pass saved.

Prints one JSON line per measurement:
  {"kernel":"conv","layer":..,"pass":..,"seconds":..,"gflops":..,"min_seconds":..,"format":..}
seconds is the median, over --repeats samples of at least --min-time seconds each, of the
mean time per call (min_seconds the fastest sample; format the memory format measured).
Pooling lines have kernel "maxpool" and "gelems" (1e9 input elements per second) in place of
"gflops". The matching Go estimator is go test's -benchtime 0.05s -count N, taking the median
of the N ns/op.

With --compare ROUNDS it instead builds the Go benchmarks (go test -c ./kernels/cpu), runs
them and the PyTorch measurements alternately for ROUNDS rounds, each started once the machine
is idle (other processes skew both sides, PyTorch's two OpenMP threads worst of all), and
prints a table of medians and ratios ours/PyTorch, per pass and for the totals per layer and
for the network (forward, and forward + backward).

Usage: /usr/bin/python3 bench/torch_conv.py [--repeats 15] [--min-time 0.05] [--threads 2]
                                            [--format best|nchw|channels_last] [--compare ROUNDS]
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402  (after the environment is set)


def samples(fn, min_time, repeats):
    """Times fn in repeats samples of at least min_time seconds each and returns the mean time
    per call of each sample. Short samples and a median over many of them (rather than one
    long mean) keep a burst of load from other processes from skewing the result."""
    fn()  # warm up: first calls allocate and pick algorithms
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        t = time.perf_counter() - t0
        if t >= min_time / 4:
            break
        n *= 2
    n = max(1, int(n * min_time / t))
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        out.append((time.perf_counter() - t0) / n)
    return out


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--min-time", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--format", choices=["best", "nchw", "channels_last"], default="best",
                    help="memory format; best times both and reports the faster per pass")
    ap.add_argument("--compare", type=int, default=0, metavar="ROUNDS",
                    help="run the Go benchmarks and these alternately for ROUNDS rounds and print a comparison")
    return ap.parse_args()


def measure_torch(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    n = args.batch

    layers = []  # name, input NCHW, weight OIHW
    layers.append(("layer1", (n, 1, 28, 28), (32, 1, 3, 3)))
    layers.append(("layer2", (n, 32, 13, 13), (64, 32, 3, 3)))

    formats = {"nchw": torch.contiguous_format, "channels_last": torch.channels_last}
    if args.format != "best":
        formats = {args.format: formats[args.format]}

    def measure(make_cases):
        """Times every case in every memory format; returns {case: (format, samples)} with the
        format whose median is lowest."""
        best = {}
        for fmt, mf in formats.items():
            with torch.no_grad():
                for case, fn in make_cases(mf).items():
                    ts = samples(fn, args.min_time, args.repeats)
                    if case not in best or statistics.median(ts) < statistics.median(best[case][1]):
                        best[case] = (fmt, ts)
        return best

    conv_bwd = torch.ops.aten.convolution_backward
    rows = []
    for name, xs, ws in layers:
        x0 = torch.randn(*xs)
        w0 = torch.randn(*ws)
        dy0 = torch.randn_like(torch.nn.functional.conv2d(x0, w0))
        oh, ow = dy0.shape[2], dy0.shape[3]
        flops = 2.0 * n * oh * ow * ws[0] * ws[1] * ws[2] * ws[3]

        def conv_cases(mf):
            x, w, dy = (t.contiguous(memory_format=mf) for t in (x0, w0, dy0))
            return {
                "forward": lambda: torch.nn.functional.conv2d(x, w),
                "backprop_input": lambda: conv_bwd(dy, x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1,
                                                   [True, False, False]),
                "backprop_filter": lambda: conv_bwd(dy, x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1,
                                                    [False, True, False]),
            }

        for pas, (fmt, ts) in measure(conv_cases).items():
            secs = statistics.median(ts)
            rows.append({"kernel": "conv", "layer": name, "pass": pas, "seconds": secs,
                         "gflops": flops / secs / 1e9, "min_seconds": min(ts), "format": fmt})

    # Pooling after each conv: 2x2 windows, stride 2, VALID. The backward pass is autograd's:
    # it scatters dy through the indices the forward pass saved.
    for name, xs in (("pool1", (n, 32, 26, 26)), ("pool2", (n, 64, 11, 11))):
        x0 = torch.randn(*xs)

        def pool_cases(mf):
            x = x0.contiguous(memory_format=mf)
            y, idx = torch.nn.functional.max_pool2d(x, 2, 2, return_indices=True)
            dy = torch.randn_like(y)
            return {
                "forward": lambda: torch.nn.functional.max_pool2d(x, 2, 2),
                "backward": lambda: torch.ops.aten.max_pool2d_with_indices_backward(dy, x, [2, 2], [2, 2], [0, 0],
                                                                                  [1, 1], False, idx),
            }

        for pas, (fmt, ts) in measure(pool_cases).items():
            secs = statistics.median(ts)
            rows.append({"kernel": "maxpool", "layer": name, "pass": pas, "seconds": secs,
                         "gelems": x0.numel() / secs / 1e9, "min_seconds": min(ts), "format": fmt})
    return rows


# The Go benchmarks compared with, and the passes that make up each total. Layer 1's input
# gradient is not needed in training (its input is the data), so its backward is the filter
# gradient alone.
GO_BENCH = "^(BenchmarkConv2D|BenchmarkConv2DInto|BenchmarkMaxPool|BenchmarkMaxPoolInto)$"
TOTALS = [
    ("layer1 fwd", ["layer1/forward"]),
    ("layer1 fwd+bwd", ["layer1/forward", "layer1/backprop_filter"]),
    ("layer2 fwd", ["layer2/forward"]),
    ("layer2 fwd+bwd", ["layer2/forward", "layer2/backprop_input", "layer2/backprop_filter"]),
    ("pool1 fwd+bwd", ["pool1/forward", "pool1/backward"]),
    ("pool2 fwd+bwd", ["pool2/forward", "pool2/backward"]),
    ("conv layers fwd", ["layer1/forward", "layer2/forward"]),
    ("conv layers fwd+bwd", ["layer1/forward", "layer1/backprop_filter", "layer2/forward",
                             "layer2/backprop_input", "layer2/backprop_filter"]),
    ("network fwd", ["layer1/forward", "pool1/forward", "layer2/forward", "pool2/forward"]),
    ("network fwd+bwd", ["layer1/forward", "layer1/backprop_filter", "pool1/forward", "pool1/backward",
                         "layer2/forward", "layer2/backprop_input", "layer2/backprop_filter",
                         "pool2/forward", "pool2/backward"]),
]


def idle_fraction(dt=1.0):
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)
    i0, t0 = snap()
    time.sleep(dt)
    i1, t1 = snap()
    return (i1 - i0) / max(t1 - t0, 1)


def compare(args):
    """Alternates `go test -bench` (the Go side, as a prebuilt test binary) with the PyTorch
    measurements, args.compare rounds, each started when the machine has been idle for a second
    (waiting up to two minutes), and prints medians over all rounds and the ratios ours/torch
    for the allocating ops (Conv2D, ...) and the Into forms that reuse their result."""
    import re
    import subprocess
    import tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.join(tempfile.mkdtemp(), "cpu.test")
    subprocess.run(["go", "test", "-c", "-o", binary, "./kernels/cpu"], cwd=root, check=True)
    ours, theirs, fmts = {}, {}, {}
    for r in range(args.compare):
        waited = 0
        while idle_fraction() < 0.9 and waited < 120:
            waited += 1
        out = subprocess.run([binary, "-test.run", "^$", "-test.bench", GO_BENCH, "-test.benchtime", "0.05s",
                              "-test.count", "5"], cwd=os.path.join(root, "kernels", "cpu"),
                             capture_output=True, text=True, check=True).stdout
        for m in re.finditer(r"^Benchmark(\w+)/(\w+)/(\w+)-\d+\s+\d+\s+([\d.]+) ns/op", out, re.M):
            kind = "into" if m.group(1).endswith("Into") else "alloc"
            ours.setdefault((kind, m.group(2) + "/" + m.group(3)), []).append(float(m.group(4)) / 1e9)
        for row in measure_torch(args):
            key = row["layer"] + "/" + row["pass"]
            theirs.setdefault(key, []).append(row["seconds"])
            fmts.setdefault(key, []).append(row["format"])
        with open("/proc/loadavg") as f:
            load = " ".join(f.read().split()[:3])
        print(f"round {r + 1}/{args.compare}: waited {waited} s for an idle machine, load average {load}",
              file=sys.stderr)
    med = statistics.median
    print(f"{'pass':24s} {'Conv2D etc':>10s} {'...Into':>8s} {'torch':>8s} {'ratio':>6s} {'Into':>6s}  (ms, medians)")
    for key in theirs:
        a, i, t = med(ours[("alloc", key)]) * 1e3, med(ours[("into", key)]) * 1e3, med(theirs[key]) * 1e3
        fmt = max(set(fmts[key]), key=fmts[key].count)
        print(f"{key:24s} {a:10.3f} {i:8.3f} {t:8.3f} {a / t:6.2f} {i / t:6.2f}  torch {fmt}")
    for name, keys in TOTALS:
        a = sum(med(ours[("alloc", k)]) for k in keys) * 1e3
        i = sum(med(ours[("into", k)]) for k in keys) * 1e3
        t = sum(med(theirs[k]) for k in keys) * 1e3
        print(f"{name:24s} {a:10.3f} {i:8.3f} {t:8.3f} {a / t:6.2f} {i / t:6.2f}")


def main():
    args = parse_args()
    if args.compare:
        compare(args)
        return
    for r in measure_torch(args):
        print(json.dumps(r))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
