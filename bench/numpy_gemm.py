#!/usr/bin/python3
"""Time NumPy's matrix multiply the way `tensorgraph bench gemm --json` times ours.

Run with Debian's python3-numpy on OpenBLAS, both threads, nothing else on the machine:

    apt-get install python3-numpy libopenblas0-pthread
    /usr/bin/python3 bench/numpy_gemm.py --sizes 256,512,1024,2048

Debian's NumPy links libblas.so.3, which is the netlib reference BLAS (about 5 GFLOP/s here)
unless update-alternatives selects OpenBLAS; so the script re-executes itself with OpenBLAS on
LD_LIBRARY_PATH when it is installed, sets OPENBLAS_NUM_THREADS=2 unless given, and reports the
BLAS it actually loaded on stderr.

Each line is {"kernel":"gemm","dtype":...,"n":...,"threads":...,"seconds":...,"gflops":...}:
one warm-up call, then the median over --repeats runs of the mean time per call, each run
repeating the multiply for at least --min-time seconds (the same protocol as the Go side).
"""
import argparse
import json
import os
import sys
import time

OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
if "OPENBLAS_NUM_THREADS" not in os.environ:
    os.environ["OPENBLAS_NUM_THREADS"] = "2"
    os.execv(sys.executable, [sys.executable] + sys.argv)
if os.path.isdir(OPENBLAS_DIR) and OPENBLAS_DIR not in os.environ.get("LD_LIBRARY_PATH", ""):
    os.environ["LD_LIBRARY_PATH"] = OPENBLAS_DIR + ":" + os.environ.get("LD_LIBRARY_PATH", "")
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402  (after the environment is settled)


def blas_library():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.split()[-1]}
    return ", ".join(sorted(os.path.realpath(lib) for lib in libs)) or "none"


def time_it(f, repeats, min_time):
    f()
    times = []
    for _ in range(repeats):
        calls = 0
        start = time.perf_counter()
        while True:
            f()
            calls += 1
            el = time.perf_counter() - start
            if el >= min_time:
                times.append(el / calls)
                break
    times.sort()
    return times[len(times) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="256,512,1024,2048")
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.1)
    args = p.parse_args()
    print("BLAS:", blas_library(), file=sys.stderr)
    rs = np.random.RandomState(0)
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "0") or 0)
    for n in [int(s) for s in args.sizes.split(",")]:
        a = rs.randn(n, n).astype(args.dtype)
        b = rs.randn(n, n).astype(args.dtype)
        c = np.empty((n, n), dtype=args.dtype)
        sec = time_it(lambda: np.matmul(a, b, out=c), args.repeats, args.min_time)
        print(json.dumps({"kernel": "gemm", "dtype": args.dtype, "n": n, "threads": threads,
                          "seconds": sec, "gflops": 2 * n**3 / sec / 1e9}), flush=True)


if __name__ == "__main__":
    main()
