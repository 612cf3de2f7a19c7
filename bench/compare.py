#!/usr/bin/python3
"""Run `tensorgraph bench KERNEL --json` and a reference script alternately; print medians and ratios.

    /usr/bin/python3 bench/compare.py gemm --rounds 7 --idle 120 -- --sizes 256,512,1024,2048
    /usr/bin/python3 bench/compare.py conv --rounds 7 --idle 120

The reference is bench/numpy_gemm.py for gemm and bench/torch_conv.py for conv; arguments after
"--" go to both sides. Each round runs both once, swapping which goes first every round so slow
drifts in machine load hit both alike; with --idle each run first waits (up to SECONDS) for the
CPUs to be idle, since other jobs on a 2-core machine swamp the difference being measured. Rows
are matched on (n) or (layer, pass); the table gives the median seconds per side and the ratio
reference/ours (above 1: we are faster).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = "/tmp/tensorgraph-bench"
REFERENCE = {"gemm": "numpy_gemm.py", "conv": "torch_conv.py"}


def wait_idle(limit):
    def snap():
        f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
        return sum(f), f[3] + f[4]

    t0, ok = time.time(), 0
    while time.time() - t0 < limit:
        a, i = snap()
        time.sleep(1)
        a2, i2 = snap()
        ok = ok + 1 if (1 - (i2 - i) / max(a2 - a, 1)) < 0.08 else 0
        if ok >= 2:
            return True
    return False


def key(row):
    return (row.get("n"), row.get("layer"), row.get("pass"))


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {key(r): r["seconds"] for r in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser()
    ap.add_argument("kernel", choices=sorted(REFERENCE))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--idle", type=float, default=0)
    args = ap.parse_args(argv)
    subprocess.run(["go", "build", "-o", BIN, "./cmd/tensorgraph"], cwd=REPO, check=True)
    sides = {
        "ours": [BIN, "bench", args.kernel, "--json"] + extra,
        "reference": ["/usr/bin/python3", os.path.join(HERE, REFERENCE[args.kernel])] + extra,
    }
    results = {"ours": {}, "reference": {}}
    for r in range(args.rounds):
        order = ["ours", "reference"] if r % 2 == 0 else ["reference", "ours"]
        for side in order:
            if args.idle and not wait_idle(args.idle):
                print(f"# round {r + 1}: machine not idle, running {side} anyway", flush=True)
            for k, sec in run(sides[side]).items():
                results[side].setdefault(k, []).append(sec)
        print(f"# round {r + 1} done", flush=True)
    print(f"{'case':>24} {'ours ms':>10} {'reference ms':>13} {'ref/ours':>9}")
    for k in sorted(results["ours"], key=str):
        if k not in results["reference"]:
            continue
        o, p = statistics.median(results["ours"][k]), statistics.median(results["reference"][k])
        name = str(k[0]) if k[0] is not None else f"{k[1]} {k[2]}"
        print(f"{name:>24} {o * 1e3:>10.3f} {p * 1e3:>13.3f} {p / o:>9.2f}")


if __name__ == "__main__":
    sys.exit(main())
